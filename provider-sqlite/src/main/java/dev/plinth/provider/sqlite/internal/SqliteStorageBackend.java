package dev.plinth.provider.sqlite.internal;

import dev.plinth.api.health.Health;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.ChangeFeed;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.CommitResult;
import dev.plinth.spi.storage.EntryScan;
import dev.plinth.spi.storage.FastPaths;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.HealthProbe;
import dev.plinth.spi.storage.IntegrityCheck;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.NamespaceListing;
import dev.plinth.spi.storage.NativeCounters;
import dev.plinth.spi.storage.NativeLocks;
import dev.plinth.spi.storage.NativePatterns;
import dev.plinth.spi.storage.NativeQuotas;
import dev.plinth.spi.storage.StorageBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StorageBackend} on one SQLite database file, with every optional part of the SPI native: the
 * file is shared by processes, so only it can count quotas, hold locks and carry changes across them.
 * Every rule of the contract is enforced in SQL: expiry in every read's WHERE clause, versions from the
 * database-wide change sequence ({@link ChangeLog}), compare-and-set, counters and quotas inside the
 * writing transaction, patterns as primary-key ranges plus GLOB.
 *
 * <p>This class only routes each SPI call to the part whose job it is: {@link Reads} (every read, on the
 * {@link ReadPool}), {@link KeyWrites} (single-key writes and counters), {@link Commits}, {@link PatternWrites}
 * ({@code deleteMatching}, {@code clear}), {@link SqliteLocks}; the writes go through the one {@link Writer}
 * (group commit on one connection, {@code BEGIN IMMEDIATE}, which also excludes other processes), with rows
 * written by the {@link RowWriter} chosen at open ({@link BackendOpener}). Changes are reported to the
 * runtime's listener after commit, in commit order, other processes' ones included ({@link ChangeFeed}); the
 * {@link ExpirySweeper} reclaims expired keys on the runtime's scheduler and reports them. Time is the
 * runtime's clock. Thread-safe.
 */
final class SqliteStorageBackend
        implements StorageBackend,
                FastPaths,
                NativeCounters,
                NativePatterns,
                NativeLocks,
                NativeQuotas,
                ChangeFeed,
                NamespaceListing,
                EntryScan,
                IntegrityCheck,
                HealthProbe {
    static final Logger LOG = LoggerFactory.getLogger(SqliteStorageBackend.class);

    private final Path path;
    private final int busyTimeoutMillis;
    private final BackendState state;
    private final Writer writer;
    private final ReadPool readers;
    private final ProcessLock processLock;
    private final Reads reads;
    private final KeyWrites keyWrites;
    private final Commits commits;
    private final PatternWrites patternWrites;
    private final SqliteLocks locks;
    private final ExpirySweeper sweeper;

    /** Called by {@link BackendOpener} once the file and the connections are ready. */
    SqliteStorageBackend(
            Path path,
            SqliteSettings settings,
            BackendState state,
            Writer writer,
            ReadPool readers,
            ProcessLock processLock,
            RowWriter rows,
            Quota quota,
            ScheduledExecutorService scheduler) {
        this.path = path;
        this.busyTimeoutMillis = settings.busyTimeoutMillis();
        this.state = state;
        this.writer = writer;
        this.readers = readers;
        this.processLock = processLock;
        this.reads = new Reads(readers, state);
        this.keyWrites = new KeyWrites(writer, rows, quota);
        this.commits = new Commits(writer, rows, quota);
        this.patternWrites = new PatternWrites(writer);
        OwnedLocks owned = new OwnedLocks();
        this.locks = new SqliteLocks(writer, owned);
        this.sweeper = new ExpirySweeper(
                writer, owned, state, scheduler, settings.sweepInterval(), settings.eventPollInterval());
    }

    void startBackgroundWork() {
        sweeper.start();
    }

    /** @return the absolute database path */
    Path path() {
        return path;
    }

    // ---------------------------------------------------------------- health

    /** Where the probe reads: one absent key, so the probe never sees or changes a plugin's data. */
    private static final Namespace PROBE = Namespace.of("plinth-health");

    /**
     * One read on the file through the read pool (bounded by the busy timeout), and the file still being
     * there: a database deleted under an open connection still answers reads from the unlinked file, while
     * the next process to open the path would start empty.
     */
    @Override
    public Health probe() {
        try {
            reads.exists(PROBE, "probe");
        } catch (RuntimeException e) {
            return Health.down(e.getMessage() != null ? e.getMessage() : e.toString())
                    .withDetail("file", path.toString());
        }
        if (!Files.isRegularFile(path)) {
            return Health.down("the database file " + path + " is gone (deleted or moved while open)")
                    .withDetail("file", path.toString());
        }
        // Cumulative figures (metrics read them as backend gauges): their rates give the mean group-commit
        // batch (writes / commits: a write is one operation, a batch of keys included) and the time per
        // commit (commitMicros / commits).
        return Health.up()
                .withDetail("file", path.toString())
                .withDetail("commits", Long.toString(writer.commits()))
                .withDetail("writes", Long.toString(writer.committedOperations()))
                .withDetail("commitMicros", Long.toString(writer.commitNanos() / 1_000));
    }

    // ---------------------------------------------------------------- the required core

    @Override
    public List<BackendEntry> read(Namespace ns, Collection<String> keys) {
        return reads.read(ns, keys);
    }

    @Override
    public CommitResult commit(Namespace ns, Commit commit) {
        return commits.commit(ns, commit);
    }

    @Override
    public List<String> list(Namespace ns, GlobPattern pattern, String afterKey, int limit) {
        return reads.list(ns, pattern, afterKey, limit);
    }

    // ---------------------------------------------------------------- operator tools

    @Override
    public SortedMap<Namespace, Long> namespaces() {
        return readers.read("listing namespaces", AdminQueries::namespaces);
    }

    @Override
    public List<BackendEntry> scan(Namespace ns, @Nullable String afterKey, int limit) {
        return readers.read("scanning entries", (c, now) -> AdminQueries.scan(c, ns.path(), afterKey, limit, now));
    }

    @Override
    public List<String> checkIntegrity() {
        return readers.read("checking integrity", (c, now) -> AdminQueries.check(c));
    }

    // ---------------------------------------------------------------- FastPaths, NativeCounters

    @Override
    public BackendEntry get(Namespace ns, String key) {
        return reads.get(ns, key);
    }

    @Override
    public boolean exists(Namespace ns, String key) {
        return reads.exists(ns, key);
    }

    @Override
    public long set(Namespace ns, String key, byte[] value, long ttlMillis) {
        return keyWrites.set(ns, key, value, ttlMillis);
    }

    @Override
    public long compareAndSet(Namespace ns, String key, long expectedVersion, byte[] value, long ttlMillis) {
        return keyWrites.compareAndSet(ns, key, expectedVersion, value, ttlMillis);
    }

    @Override
    public boolean delete(Namespace ns, String key) {
        return keyWrites.delete(ns, key);
    }

    @Override
    public boolean expire(Namespace ns, String key, long ttlMillis) {
        return keyWrites.expire(ns, key, ttlMillis);
    }

    @Override
    public long increment(Namespace ns, String key, long delta) {
        return keyWrites.increment(ns, key, delta);
    }

    // ---------------------------------------------------------------- NativePatterns

    @Override
    public long count(Namespace ns, GlobPattern pattern) {
        return reads.count(ns, pattern);
    }

    @Override
    public long deleteMatching(Namespace ns, GlobPattern pattern) {
        return patternWrites.deleteMatching(ns, pattern);
    }

    @Override
    public void clear(Namespace ns) {
        patternWrites.clear(ns);
    }

    // ---------------------------------------------------------------- NativeLocks

    @Override
    public boolean tryLock(Namespace ns, String name, String token, long leaseMillis) {
        return locks.tryLock(ns, name, token, leaseMillis);
    }

    @Override
    public boolean renewLock(Namespace ns, String name, String token, long leaseMillis) {
        return locks.renewLock(ns, name, token, leaseMillis);
    }

    @Override
    public boolean unlock(Namespace ns, String name, String token) {
        return locks.unlock(ns, name, token);
    }

    @Override
    public int lockEntries() {
        return locks.lockEntries();
    }

    // ---------------------------------------------------------------- ChangeFeed

    /**
     * Keeps the default (nothing): while nobody watches, the poll of other processes' changes costs one
     * {@code PRAGMA data_version} per {@code eventPollInterval}, and a write reads the foreign rows before it
     * only when there are some; stopping and restarting the feed would buy little for a gap to get right.
     */
    @Override
    public void setWatched(boolean watched) {}

    // ---------------------------------------------------------------- tests and lifecycle

    Writer writerForTests() {
        return writer;
    }

    /** Runs a whole expiry sweep now, in the caller's thread (tests use it instead of waiting for one). */
    void sweepNow() {
        sweeper.sweep();
    }

    @Override
    public void close() {
        if (!state.markClosed()) {
            return;
        }
        // The scheduler is the runtime's: a sweep or poll running now ends with the writer's transaction, which
        // close waits for, or finds the backend closed.
        sweeper.stop();
        writer.close(busyTimeoutMillis + 1000L);
        readers.close();
        processLock.close();
        LOG.debug("Closed SQLite storage {}", path);
    }

    @Override
    public String toString() {
        return "SqliteStorageBackend[" + path + "]";
    }
}
