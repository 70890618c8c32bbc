package dev.plinth.provider.jsonfile.internal;

import dev.plinth.api.health.Health;
import dev.plinth.api.health.HealthStatus;
import dev.plinth.api.storage.StorageOpenException;
import dev.plinth.spi.storage.BackendContext;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.ChangeFeed;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.CommitResult;
import dev.plinth.spi.storage.FastPaths;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.HealthProbe;
import dev.plinth.spi.storage.IntegrityCheck;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.NamespaceListing;
import dev.plinth.spi.storage.NativeCounters;
import dev.plinth.spi.storage.NativePatterns;
import dev.plinth.spi.storage.NativeQuotas;
import dev.plinth.spi.storage.StorageBackend;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open JSON-file store, as the runtime sees it: every part of the SPI but locks, each call handed to
 * the part that does that job. Reads come from memory ({@link KeySpace}); writes ({@link Mutations},
 * through the {@link Writer}) append one journal line each before they change memory, so a write that
 * fails changes nothing and reports nothing (a failed fsync is the one exception, see
 * {@link JournalWriteException}). The store reports its own changes ({@link ChangeFeed}, after the fsync
 * in sync mode) and enforces {@code maxKeys} itself ({@link NativeQuotas}). Locks are the runtime's: one
 * process owns the folder, so in-process leases exclude everyone who can reach it.
 *
 * <p>Background work: the expiry sweep ({@link ExpirySweeper}) on the runtime's scheduler; compaction, the
 * batched fsync and the repair after a failed fsync, which wait on the disk, on the store's own thread
 * ({@link Maintenance}). Expiry is measured on the runtime's clock. Opened by {@link StoreOpener}.
 * Thread-safe.
 */
final class JsonFileStorageBackend
        implements StorageBackend,
                FastPaths,
                NativeCounters,
                NativePatterns,
                NativeQuotas,
                ChangeFeed,
                NamespaceListing,
                IntegrityCheck,
                HealthProbe {
    private static final Logger LOG = LoggerFactory.getLogger(JsonFileStorageBackend.class);

    private final Path directory;
    private final Lifecycle lifecycle;
    private final KeySpace space;
    private final Mutations mutations;
    private final InstantSource clock;
    private final WriteLock writeLock;
    private final Journal journal;
    private final WriteDurability durability;
    private final Maintenance maintenance;
    private final ScheduledFuture<?> sweeping;
    private final FolderLock folderLock;

    JsonFileStorageBackend(
            Path directory,
            Lifecycle lifecycle,
            KeySpace space,
            Mutations mutations,
            InstantSource clock,
            WriteLock writeLock,
            Journal journal,
            WriteDurability durability,
            Maintenance maintenance,
            ScheduledFuture<?> sweeping,
            FolderLock folderLock) {
        this.directory = directory;
        this.lifecycle = lifecycle;
        this.space = space;
        this.mutations = mutations;
        this.clock = clock;
        this.writeLock = writeLock;
        this.journal = journal;
        this.durability = durability;
        this.maintenance = maintenance;
        this.sweeping = sweeping;
        this.folderLock = folderLock;
    }

    /**
     * Takes ownership of the folder, recovers its data and starts the background work.
     *
     * @param journalFiles opens journal files: {@link JournalFile.Opener#DEFAULT} but in tests
     */
    static JsonFileStorageBackend open(
            JsonFileSettings settings, BackendContext context, JournalFile.Opener journalFiles) {
        return StoreOpener.open(settings, context, journalFiles);
    }

    /**
     * @param journalFiles opens journal files: {@link JournalFile.Opener#DEFAULT} but in tests
     * @param folderSync fsyncs the folder after a rename: {@link FolderSync#DEFAULT} but in tests
     */
    static JsonFileStorageBackend open(
            JsonFileSettings settings, BackendContext context, JournalFile.Opener journalFiles, FolderSync folderSync) {
        return StoreOpener.open(settings, context, journalFiles, folderSync);
    }

    // ---------------------------------------------------------------- reads

    @Override
    public BackendEntry get(Namespace ns, String key) {
        lifecycle.checkOpen();
        Item item = space.live(ns, key, clock.millis());
        return item == null ? null : KeySpace.entry(key, item);
    }

    @Override
    public List<BackendEntry> read(Namespace ns, Collection<String> keys) {
        lifecycle.checkOpen();
        return space.read(ns, keys, clock.millis());
    }

    @Override
    public boolean exists(Namespace ns, String key) {
        lifecycle.checkOpen();
        return space.live(ns, key, clock.millis()) != null;
    }

    @Override
    public List<String> list(Namespace ns, GlobPattern pattern, String afterKey, int limit) {
        lifecycle.checkOpen();
        return space.list(ns, pattern, afterKey, limit, clock.millis());
    }

    @Override
    public long count(Namespace ns, GlobPattern pattern) {
        lifecycle.checkOpen();
        return space.count(ns, pattern, clock.millis());
    }

    @Override
    public SortedMap<Namespace, Long> namespaces() {
        lifecycle.checkOpen();
        GlobPattern all = GlobPattern.compile("*");
        long now = clock.millis();
        SortedMap<Namespace, Long> out = new TreeMap<>();
        for (Namespace ns : space.indexes.keySet()) {
            long n = space.count(ns, all, now);
            if (n > 0) {
                out.put(ns, n);
            }
        }
        return out;
    }

    /**
     * Reads the folder again as an open would (manifest, snapshots, journals, every record's checksum),
     * changing no file, while writes and compaction wait.
     */
    @Override
    public List<String> checkIntegrity() {
        lifecycle.checkOpen();
        return maintenance.whileFilesStill(() -> {
            try {
                new Recovery(directory, new RecordCodec(), clock.millis(), true).run();
                return List.of();
            } catch (StorageOpenException e) {
                return List.of(e.getMessage());
            }
        });
    }

    // ---------------------------------------------------------------- writes

    @Override
    public long set(Namespace ns, String key, byte[] value, long ttlMillis) {
        return mutations.set(ns, key, value, ttlMillis);
    }

    @Override
    public long compareAndSet(Namespace ns, String key, long expectedVersion, byte[] value, long ttlMillis) {
        return mutations.compareAndSet(ns, key, expectedVersion, value, ttlMillis);
    }

    @Override
    public long increment(Namespace ns, String key, long delta) {
        return mutations.increment(ns, key, delta);
    }

    @Override
    public boolean delete(Namespace ns, String key) {
        return mutations.delete(ns, key);
    }

    @Override
    public boolean expire(Namespace ns, String key, long ttlMillis) {
        return mutations.expire(ns, key, ttlMillis);
    }

    @Override
    public long deleteMatching(Namespace ns, GlobPattern pattern) {
        return mutations.deleteMatching(ns, pattern);
    }

    @Override
    public void clear(Namespace ns) {
        mutations.clear(ns);
    }

    @Override
    public CommitResult commit(Namespace ns, Commit commit) {
        return mutations.commit(ns, commit);
    }

    // ---------------------------------------------------------------- health

    /**
     * The folder still locked by this backend, the journal without a failed sync and open for writing, and
     * the folder taking a new file (journal rotation, snapshots and the manifest all need one): a folder made
     * read-only still lets appends to the open journal through, until the next rotation or compaction fails.
     */
    @Override
    public Health probe() {
        if (lifecycle.isClosed()) {
            return Health.down("jsonfile storage in " + directory + " is closed");
        }
        Health where = Health.up().withDetail("folder", directory.toString());
        if (!folderLock.isHeld()) {
            return down(where, "the folder lock " + directory.resolve(FolderLock.FILE_NAME) + " is no longer held");
        }
        Path journalPath = journal.path();
        IOException syncFailure = journal.syncFailure();
        if (syncFailure != null) {
            return down(where, "the journal " + journalPath + " failed to sync: " + syncFailure);
        }
        long journalBytes;
        try (FileChannel c = FileChannel.open(journalPath, StandardOpenOption.WRITE)) {
            journalBytes = c.size();
        } catch (IOException e) {
            return down(where, "the journal " + journalPath + " cannot be opened for writing: " + e);
        }
        Path probe = directory.resolve(FileNames.HEALTH_PROBE);
        try {
            Files.write(probe, new byte[0]);
            Files.delete(probe);
        } catch (IOException e) {
            return down(
                    where,
                    "the folder " + directory + " takes no new file (" + e
                            + "): journal rotation and compaction will fail");
        }
        return where.withDetail("journal", journalPath.getFileName().toString())
                .withDetail("journalBytes", Long.toString(journalBytes))
                .withDetail("compactions", Long.toString(maintenance.compactions()));
    }

    private static Health down(Health where, String reason) {
        return new Health(HealthStatus.DOWN, reason, where.details());
    }

    // ---------------------------------------------------------------- lifecycle

    /** Test hook: compacts now, on the calling thread. */
    void compactNow() {
        maintenance.compactNow();
    }

    Path directory() {
        return directory;
    }

    /**
     * Refuses new calls, lets the writes already appended become durable, waits for a compaction in flight,
     * then closes the journal (fsynced) and releases the folder.
     */
    @Override
    public void close() {
        writeLock.lock();
        try {
            if (!lifecycle.close()) {
                return;
            }
        } finally {
            writeLock.unlock();
        }
        sweeping.cancel(false); // the scheduler is the runtime's; a pass already running sees the store closed
        durability.close();
        maintenance.close();
        writeLock.lock();
        try {
            journal.close();
        } catch (IOException e) {
            LOG.warn("Could not close the journal {} cleanly: {}", journal.path(), e.toString());
        } finally {
            folderLock.close();
            writeLock.unlock();
        }
    }

    @Override
    public String toString() {
        return lifecycle.name();
    }
}
