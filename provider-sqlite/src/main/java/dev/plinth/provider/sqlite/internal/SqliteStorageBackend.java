package dev.plinth.provider.sqlite.internal;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.api.storage.InvalidArgumentException;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.QuotaExceededException;
import dev.plinth.api.storage.StorageOpenException;
import dev.plinth.api.storage.VersionConflictException;
import dev.plinth.provider.sqlite.DamagedDatabaseException;
import dev.plinth.spi.storage.BackendContext;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.ChangeFeed;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.CommitResult;
import dev.plinth.spi.storage.Counters;
import dev.plinth.spi.storage.Expiry;
import dev.plinth.spi.storage.FastPaths;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.NativeCounters;
import dev.plinth.spi.storage.NativeLocks;
import dev.plinth.spi.storage.NativePatterns;
import dev.plinth.spi.storage.NativeQuotas;
import dev.plinth.spi.storage.Precondition;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.Write;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StorageBackend} on one SQLite database file. Every rule of the contract is enforced in SQL:
 * expiry in every read's WHERE clause, versions from the database-wide change sequence ({@link ChangeLog}), compare-and-set,
 * counters and quotas inside the writing transaction, patterns as primary-key ranges plus GLOB.
 *
 * <p>One writer connection (writers of this process take turns on a Java lock; each operation is one
 * {@code BEGIN IMMEDIATE} transaction, which also excludes other processes) and a pool of read
 * connections (WAL lets them read while the writer writes). Changes are reported to the runtime's
 * {@link ChangeListener} after commit, in commit order; a sweep on the runtime's scheduler reclaims expired
 * keys and reports {@link ChangeType#EXPIRE}. Time is the runtime's clock. On a shared file every write also appends its changes to
 * {@code plinth_changes}, from which other backends on the same file report them ({@link SharedChangeLog}); with
 * {@code exclusive=true} ({@link LocalSequence}) no other backend may open the file and nothing is logged
 * per write. Thread-safe.
 */
final class SqliteStorageBackend implements StorageBackend, FastPaths, NativeCounters, NativePatterns, NativeLocks,
        NativeQuotas, ChangeFeed {
    static final Logger LOG = LoggerFactory.getLogger(SqliteStorageBackend.class);

    private final Path path;
    private final long maxKeys;
    /** {@code exclusive=true}: no other process reads the change order, so a put need not read first. */
    private final boolean exclusive;
    /** Exclusive file: the namespaces where a put must allow for an expired row in its way. */
    private final ExpiringNamespaces expiring;
    private final int busyTimeoutMillis;
    private final BackendState state;
    private final Writer writer;
    private final ReadPool readers;
    private final ExpirySweeper sweeper;
    private final OwnedLocks ownedLocks = new OwnedLocks();
    private final ProcessLock processLock;

    private SqliteStorageBackend(Path path, SqliteSettings settings, BackendState state, Writer writer,
            ReadPool readers, ProcessLock processLock, ExpiringNamespaces expiring, BackendContext context) {
        this.expiring = expiring;
        this.path = path;
        this.processLock = processLock;
        this.maxKeys = settings.maxKeys();
        this.exclusive = settings.exclusive();
        this.busyTimeoutMillis = settings.busyTimeoutMillis();
        this.state = state;
        this.writer = writer;
        this.readers = readers;
        this.sweeper = new ExpirySweeper(writer, ownedLocks, state, context.scheduler(), settings.sweepInterval(),
                settings.eventPollInterval());
    }

    /**
     * Opens (creating, checking or migrating) the database and starts the sweeper. A new database appears at
     * the path complete or not at all ({@link DatabaseFile#create}); an existing one is checked
     * ({@link OpenCheck}) before anything writes to it.
     *
     * @param settings the options
     * @param context where committed changes go, the clock and the scheduler for the sweeps and polls
     * @return the open backend
     * @throws dev.plinth.api.storage.StorageOpenException naming the path when it cannot be opened, a
     *     {@link DamagedDatabaseException} when the file is empty, not a database or damaged; nothing was
     *     deleted or rewritten
     */
    static SqliteStorageBackend open(SqliteSettings settings, BackendContext context) {
        Path path = DatabaseFile.prepare(settings.path());
        int busyTimeoutMillis = settings.busyTimeoutMillis();
        ProcessLock processLock = ProcessLock.acquire(path, settings.exclusive());
        BackendState state = new BackendState("SQLite storage " + path);
        SqliteErrors errors = new SqliteErrors(path, busyTimeoutMillis, state);
        ConnectionFactory factory = new ConnectionFactory(path, settings);
        SqlConnection writeConnection = null;
        List<SqlConnection> readConnections = new ArrayList<>();
        ChangeLog feed = settings.exclusive() ? new LocalSequence() : new SharedChangeLog();
        ExpiringNamespaces expiring = new ExpiringNamespaces(settings.exclusive());
        try {
            boolean checked = false;
            if (!Files.exists(path)) {
                DatabaseFile.checkNoOrphanLog(path);
                checked = DatabaseFile.create(path, factory);
            }
            if (!checked) {
                DatabaseFile.checkExisting(path);
                checked = OpenCheck.beforeWriting(path, factory, settings.checkAtOpen(), busyTimeoutMillis);
            }
            writeConnection = factory.openPlain();
            if (!checked) {
                // A hot journal: the writer's first read rolls it back, then the check runs on the result.
                OpenCheck.run(writeConnection, path, settings.checkAtOpen());
            }
            Schema.migrate(writeConnection, path);
            factory.applyJournalMode(writeConnection);
            factory.applyConnectionPragmas(writeConnection, false);
            feed.start(writeConnection);
            if (settings.exclusive()) {
                expiring.load(writeConnection);
            }
            for (int i = 0; i < settings.readPoolSize(); i++) {
                readConnections.add(factory.openReader());
            }
        } catch (SQLException | RuntimeException e) {
            if (writeConnection != null) {
                writeConnection.close();
            }
            readConnections.forEach(SqlConnection::close);
            processLock.close();
            if (e instanceof SQLException) {
                throw SqliteErrors.openFailure(path, busyTimeoutMillis, (SQLException) e);
            }
            if (e instanceof StorageOpenException) {
                throw (StorageOpenException) e;
            }
            // Every failure to open has the one type; this one was not foreseen, so its own text goes along.
            throw new StorageOpenException(SqliteErrors.PROVIDER, "SQLite database " + path + ": " + e, e);
        }
        Writer writer = new Writer(writeConnection, feed, context.changes(), context.clock(), errors, state);
        ReadPool readers = new ReadPool(readConnections, context.clock(), errors, state);
        SqliteStorageBackend backend = new SqliteStorageBackend(path, settings, state, writer, readers, processLock,
                expiring, context);
        backend.sweeper.start();
        LOG.debug("Opened SQLite storage {} (wal={}, durability={}, exclusive={})", path, settings.wal(),
                settings.durability(), settings.exclusive());
        return backend;
    }

    /** @return the absolute database path */
    Path path() {
        return path;
    }

    // ---------------------------------------------------------------- reads

    @Override
    public BackendEntry get(Namespace ns, String key) {
        return readers.read("reading a key", (c, now) -> KvTable.find(c, ns.path(), key, now));
    }

    @Override
    public List<BackendEntry> read(Namespace ns, Collection<String> keys) {
        if (keys.isEmpty()) {
            state.ensureOpen();
            return List.of();
        }
        return readers.read("reading keys", (c, now) -> {
            if (keys.size() <= KvTable.IN_CHUNK) {
                return KvTable.findAll(c, ns.path(), keys, now);
            }
            // Several statements: one read transaction makes them one snapshot.
            c.beginRead();
            boolean ended = false;
            try {
                List<BackendEntry> found = KvTable.findAll(c, ns.path(), keys, now);
                c.commit();
                ended = true;
                return found;
            } finally {
                if (!ended) {
                    c.rollbackQuietly();
                }
            }
        });
    }

    @Override
    public boolean exists(Namespace ns, String key) {
        return readers.read("reading a key", (c, now) -> KvTable.liveVersion(c, ns.path(), key, now) != 0L);
    }

    @Override
    public List<String> list(Namespace ns, GlobPattern pattern, String afterKey, int limit) {
        KeyQuery q = KeyQuery.of(pattern, afterKey);
        return readers.read("listing keys", (c, now) -> PatternQueries.keys(c, q, ns.path(), now, limit));
    }

    @Override
    public long count(Namespace ns, GlobPattern pattern) {
        KeyQuery q = KeyQuery.of(pattern, null);
        return readers.read("counting keys", (c, now) -> PatternQueries.count(c, q, ns.path(), now));
    }

    // ---------------------------------------------------------------- writes

    @Override
    public long set(Namespace ns, String key, byte[] value, long ttlMillis) {
        checkDuration("ttl", ttlMillis, true);
        if (exclusive && maxKeys == 0) {
            return writer.write("writing a key",
                    tx -> putOverLive(tx, ns, key, value, expiresAt(tx.now(), ttlMillis)),
                    tx -> putWithoutReading(tx, ns, key, value, expiresAt(tx.now(), ttlMillis)));
        }
        return writer.write("writing a key", tx -> put(tx, ns, key, value, ttlMillis));
    }

    @Override
    public long compareAndSet(Namespace ns, String key, long expectedVersion, byte[] value, long ttlMillis) {
        checkDuration("ttl", ttlMillis, true);
        return writer.write("writing a key", tx -> {
            long current = KvTable.liveVersion(tx.connection(), ns.path(), key, tx.now());
            if (current != expectedVersion) {
                return 0L;
            }
            return putKnown(tx, ns, key, value, expiresAt(tx.now(), ttlMillis), current == 0L, true);
        });
    }

    @Override
    public long increment(Namespace ns, String key, long delta) {
        return writer.write("incrementing a counter", tx -> {
            BackendEntry e = KvTable.find(tx.connection(), ns.path(), key, tx.now());
            long base = e == null ? 0L : Counters.parse(key, e.value());
            long sum = Counters.add(key, base, delta);
            putKnown(tx, ns, key, Counters.format(sum), e == null ? NO_EXPIRY : e.expiresAtMillis(), e == null, true);
            return sum;
        });
    }

    @Override
    public boolean delete(Namespace ns, String key) {
        return writer.write("deleting a key", tx -> remove(tx, ns, key));
    }

    @Override
    public boolean expire(Namespace ns, String key, long ttlMillis) {
        checkDuration("ttl", ttlMillis, true);
        return writer.write("changing an expiry",
                tx -> updateExpiry(tx, ns, key, ttlMillis));
    }

    private boolean updateExpiry(WriteTx tx, Namespace ns, String key, long ttlMillis) throws SQLException {
        long at = expiresAt(tx.now(), ttlMillis);
        expiring.writing(ns.path(), at);
        return KvTable.updateExpiry(tx.connection(), ns.path(), key, at, tx.now());
    }

    @Override
    public long deleteMatching(Namespace ns, GlobPattern pattern) {
        KeyQuery q = KeyQuery.of(pattern, null);
        return writer.write("deleting matching keys", tx -> {
            // Under the write lock nothing changes between the SELECT and the DELETE, so the keys reported
            // are exactly the rows deleted.
            List<String> keys = PatternQueries.keys(tx.connection(), q, ns.path(), tx.now(), Long.MAX_VALUE);
            if (keys.isEmpty()) {
                return 0L;
            }
            PatternQueries.delete(tx.connection(), q, ns.path(), tx.now());
            for (String key : keys) {
                tx.changed(ns, ChangeType.DELETE, key);
            }
            return (long) keys.size();
        });
    }

    @Override
    public void clear(Namespace ns) {
        writer.write("clearing a scope", tx -> {
            KvTable.clear(tx.connection(), ns.path());
            tx.changed(ns, ChangeType.CLEAR, null);
            return null;
        });
    }

    @Override
    public CommitResult commit(Namespace ns, Commit commit) {
        List<Write> writes = commit.writes();
        for (Write w : writes) {
            if (w instanceof Write.Put put && put.ttlMillis() != Write.KEEP_EXPIRY) {
                checkDuration("ttl", put.ttlMillis(), true);
            } else if (w instanceof Write.Expire expire) {
                checkDuration("ttl", expire.ttlMillis(), true);
            }
        }
        return writer.write("committing a transaction", tx -> {
            String nsPath = ns.path();
            for (Precondition p : commit.preconditions()) {
                long actual = KvTable.liveVersion(tx.connection(), nsPath, p.key(), tx.now());
                if (actual != p.expectedVersion()) {
                    throw new VersionConflictException(p.key(), p.expectedVersion(), actual);
                }
            }
            if (writes.size() > 1 && distinctPuts(writes)) {
                return CommitResult.of(exclusive && maxKeys == 0 ? putAllWithoutReading(tx, ns, writes)
                        : putAll(tx, ns, writes));
            }
            long[] outcomes = new long[writes.size()];
            long live = -1;
            for (int i = 0; i < outcomes.length; i++) {
                Write w = writes.get(i);
                if (w instanceof Write.Put put) {
                    long expiresAt;
                    boolean isNew;
                    if (put.ttlMillis() == Write.KEEP_EXPIRY) {
                        BackendEntry e = KvTable.find(tx.connection(), nsPath, put.key(), tx.now());
                        isNew = e == null;
                        expiresAt = isNew ? NO_EXPIRY : e.expiresAtMillis();
                    } else {
                        isNew = KvTable.liveVersion(tx.connection(), nsPath, put.key(), tx.now()) == 0L;
                        expiresAt = expiresAt(tx.now(), put.ttlMillis());
                    }
                    if (isNew && maxKeys > 0) {
                        // Count once, then track: the transaction's own writes change the count.
                        if (live < 0) {
                            live = KvTable.countLiveUpTo(tx.connection(), nsPath, tx.now(), maxKeys);
                        }
                        if (live >= maxKeys) {
                            throw new QuotaExceededException(nsPath, put.key(), maxKeys);
                        }
                        live++;
                    }
                    outcomes[i] = putKnown(tx, ns, put.key(), put.value(), expiresAt, isNew, false);
                } else if (w instanceof Write.Remove) {
                    boolean removed = remove(tx, ns, w.key());
                    if (removed && live >= 0) {
                        live--;
                    }
                    outcomes[i] = removed ? 1 : 0;
                } else {
                    outcomes[i] = updateExpiry(tx, ns, w.key(), ((Write.Expire) w).ttlMillis()) ? 1 : 0;
                }
            }
            return CommitResult.of(outcomes);
        });
    }

    /** @return {@code true} when every write is a put of its own key with a new expiry: a batch can write them */
    private static boolean distinctPuts(List<Write> writes) {
        Set<String> keys = new HashSet<>();
        for (Write w : writes) {
            if (!(w instanceof Write.Put put) || put.ttlMillis() == Write.KEEP_EXPIRY || !keys.add(w.key())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Puts of distinct keys, as a batch: one read of the keys' rows, the change log and the rows each
     * written as one JDBC batch. Same outcome, quota and events as {@link #putKnown} key by key.
     */
    private long[] putAll(WriteTx tx, Namespace ns, List<Write> writes) throws SQLException {
        String nsPath = ns.path();
        long now = tx.now();
        int n = writes.size();
        String[] keys = new String[n];
        for (int i = 0; i < n; i++) {
            keys[i] = writes.get(i).key();
        }
        Map<String, Long> rows = KvTable.rowExpiries(tx.connection(), nsPath, Arrays.asList(keys));
        boolean[] expired = new boolean[n];
        int reclaimed = 0;
        long live = -1;
        for (int i = 0; i < n; i++) {
            String key = keys[i];
            Long expiry = rows.get(key);
            expired[i] = expiry != null && !Expiry.isLive(expiry, now);
            if (expired[i]) {
                reclaimed++;
            }
            if ((expiry == null || expired[i]) && maxKeys > 0) {
                if (live < 0) {
                    live = KvTable.countLiveUpTo(tx.connection(), nsPath, now, maxKeys);
                }
                if (live >= maxKeys) {
                    throw new QuotaExceededException(nsPath, key, maxKeys);
                }
                live++;
            }
        }
        // An expired row a put replaces is reported as reclaimed just before its SET, as putKnown does.
        ChangeType[] types = new ChangeType[n + reclaimed];
        String[] logged = new String[n + reclaimed];
        int[] setIndex = new int[n];
        int j = 0;
        for (int i = 0; i < n; i++) {
            if (expired[i]) {
                types[j] = ChangeType.EXPIRE;
                logged[j++] = keys[i];
            }
            setIndex[i] = j;
            types[j] = ChangeType.SET;
            logged[j++] = keys[i];
        }
        long first = tx.changedAll(ns, types, logged);
        byte[][] values = new byte[n][];
        long[] versions = new long[n];
        long[] expiries = new long[n];
        for (int i = 0; i < n; i++) {
            Write.Put put = (Write.Put) writes.get(i);
            values[i] = put.value();
            versions[i] = first + setIndex[i];
            expiries[i] = expiresAt(now, put.ttlMillis());
            expiring.writing(nsPath, expiries[i]);
        }
        KvTable.upsertAll(tx.connection(), nsPath, keys, values, versions, expiries);
        return versions;
    }

    private long put(WriteTx tx, Namespace ns, String key, byte[] value, long ttlMillis) throws SQLException {
        boolean isNew = KvTable.liveVersion(tx.connection(), ns.path(), key, tx.now()) == 0L;
        return putKnown(tx, ns, key, value, expiresAt(tx.now(), ttlMillis), isNew, true);
    }

    /**
     * One statement in the usual case: without a quota a put needs to know whether the key was live only
     * when an expired row is in the way, and the upsert reports that by changing nothing. That row is then
     * reclaimed and reported first, as {@link #putKnown} does. Only for an exclusive file, where the SET's
     * number is not yet in a log other processes read in order.
     */
    private long putWithoutReading(WriteTx tx, Namespace ns, String key, byte[] value, long expiresAt)
            throws SQLException {
        long version = tx.changed(ns, ChangeType.SET, key);
        if (!writeOverLive(tx, ns, key, value, version, expiresAt)) {
            reclaimAndPut(tx, ns, key, value, version, expiresAt, tx.changeCount() - 1);
        }
        return version;
    }

    /**
     * {@link #putWithoutReading} as one statement, for the writer to run by itself outside a transaction.
     *
     * @return the version, or {@code null} having changed nothing when an expired row is in the way or the
     *     put has an expiry
     */
    private Long putOverLive(WriteTx tx, Namespace ns, String key, byte[] value, long expiresAt)
            throws SQLException {
        if (expiresAt != NO_EXPIRY) {
            // Two statements, the row and its due-list entry: they need the transaction.
            return null;
        }
        long version = tx.changed(ns, ChangeType.SET, key);
        return writeOverLive(tx, ns, key, value, version, expiresAt) ? version : null;
    }

    /**
     * Writes the row in one statement: {@code INSERT OR REPLACE} where no row of the namespace can have
     * an expiry, else the upsert that leaves an expired row alone.
     *
     * @return {@code false}, having written nothing, when an expired row is in the way
     */
    private boolean writeOverLive(WriteTx tx, Namespace ns, String key, byte[] value, long version,
            long expiresAt) throws SQLException {
        String nsPath = ns.path();
        boolean replace = !expiring.mayHoldExpiring(nsPath);
        expiring.writing(nsPath, expiresAt);
        if (replace) {
            KvTable.replace(tx.connection(), nsPath, key, value, version, expiresAt);
            return true;
        }
        return KvTable.upsertOverLive(tx.connection(), nsPath, key, value, version, expiresAt, tx.now());
    }

    /** {@link #putWithoutReading} for distinct keys, as one JDBC batch. */
    private long[] putAllWithoutReading(WriteTx tx, Namespace ns, List<Write> writes)
            throws SQLException {
        String nsPath = ns.path();
        int n = writes.size();
        String[] keys = new String[n];
        byte[][] values = new byte[n][];
        long[] versions = new long[n];
        long[] expiries = new long[n];
        ChangeType[] types = new ChangeType[n];
        boolean replace = !expiring.mayHoldExpiring(nsPath);
        for (int i = 0; i < n; i++) {
            Write.Put put = (Write.Put) writes.get(i);
            keys[i] = put.key();
            values[i] = put.value();
            expiries[i] = expiresAt(tx.now(), put.ttlMillis());
            expiring.writing(nsPath, expiries[i]);
            types[i] = ChangeType.SET;
        }
        int firstChange = tx.changeCount();
        long first = tx.changedAll(ns, types, keys);
        for (int i = 0; i < n; i++) {
            versions[i] = first + i;
        }
        if (replace) {
            KvTable.replaceAll(tx.connection(), nsPath, keys, values, versions, expiries);
            return versions;
        }
        boolean[] written = KvTable.upsertAllOverLive(tx.connection(), nsPath, keys, values, versions, expiries,
                tx.now());
        // Backwards, so inserting a reclaim before a SET leaves the earlier SETs' positions as they were.
        for (int i = n - 1; i >= 0; i--) {
            if (!written[i]) {
                reclaimAndPut(tx, ns, keys[i], values[i], versions[i], expiries[i], firstChange + i);
            }
        }
        return versions;
    }

    /** The rare case of a put without reading: an expired row was in the way; reclaim it, report it, put. */
    private static void reclaimAndPut(WriteTx tx, Namespace ns, String key, byte[] value, long version,
            long expiresAt, int setChangeIndex) throws SQLException {
        KvTable.deleteExpired(tx.connection(), ns.path(), key, tx.now());
        tx.reclaimedBefore(setChangeIndex, ns, key);
        KvTable.upsert(tx.connection(), ns.path(), key, value, version, expiresAt);
    }

    /**
     * Writes a key whose liveness the caller checked. A new key is checked against the quota (unless the
     * caller counts itself), and an expired row it replaces is reported as reclaimed ({@code EXPIRE})
     * first, since the sweeper will never see that row.
     */
    private long putKnown(WriteTx tx, Namespace ns, String key, byte[] value, long expiresAt, boolean isNew,
            boolean checkQuota) throws SQLException {
        if (isNew) {
            if (checkQuota && maxKeys > 0
                    && KvTable.countLiveUpTo(tx.connection(), ns.path(), tx.now(), maxKeys) >= maxKeys) {
                throw new QuotaExceededException(ns.path(), key, maxKeys);
            }
            if (KvTable.deleteExpired(tx.connection(), ns.path(), key, tx.now())) {
                tx.changed(ns, ChangeType.EXPIRE, key);
            }
        }
        long version = tx.changed(ns, ChangeType.SET, key);
        expiring.writing(ns.path(), expiresAt);
        KvTable.upsert(tx.connection(), ns.path(), key, value, version, expiresAt);
        return version;
    }

    private static boolean remove(WriteTx tx, Namespace ns, String key) throws SQLException {
        if (KvTable.deleteLive(tx.connection(), ns.path(), key, tx.now())) {
            tx.changed(ns, ChangeType.DELETE, key);
            return true;
        }
        return false;
    }

    /** The longest TTL or lease, in milliseconds; from any clock reading until 2^63 ms it cannot overflow. */
    private static final long MAX_MILLIS = KeyValueStore.MAX_DURATION.toMillis();

    /**
     * Refuses a TTL or lease out of the contract's range before anything is queued. Core checks the same, so
     * this only meets a caller of the SPI itself; an expiry is then never capped or wrapped around.
     *
     * @param argument {@code ttl} or {@code lease}, for the message
     * @param millis {@link #NO_EXPIRY} where allowed, else 1 to {@link KeyValueStore#MAX_DURATION} in ms
     */
    private static void checkDuration(String argument, long millis, boolean noneAllowed) {
        if ((millis == NO_EXPIRY && !noneAllowed) || millis < 0 || millis > MAX_MILLIS) {
            throw new InvalidArgumentException(argument, millis + " ms is not " + (noneAllowed ? "0 (none) or " : "")
                    + "between 1 ms and KeyValueStore.MAX_DURATION (" + MAX_MILLIS + " ms)");
        }
    }

    /** {@link Expiry#deadline}; {@link #checkDuration} bounded the TTL, so the sum cannot overflow. */
    private static long expiresAt(long now, long ttlMillis) {
        return Expiry.deadline(now, ttlMillis);
    }

    // ---------------------------------------------------------------- locks

    @Override
    public boolean tryLock(Namespace ns, String name, String token, long leaseMillis) {
        checkDuration("lease", leaseMillis, false);
        String nsPath = ns.path();
        return writer.write("taking a lock", tx -> {
            long until = expiresAt(tx.now(), leaseMillis);
            boolean taken = LockTable.take(tx.connection(), nsPath, name, token, until, tx.now());
            if (taken) {
                tx.afterCommit(() -> ownedLocks.taken(nsPath, name, token, until));
            }
            return taken;
        });
    }

    @Override
    public boolean renewLock(Namespace ns, String name, String token, long leaseMillis) {
        checkDuration("lease", leaseMillis, false);
        String nsPath = ns.path();
        return writer.write("renewing a lock", tx -> {
            long until = expiresAt(tx.now(), leaseMillis);
            boolean renewed = LockTable.renew(tx.connection(), nsPath, name, token, until, tx.now());
            if (renewed) {
                tx.afterCommit(() -> ownedLocks.renewed(nsPath, name, token, until));
            } else {
                ownedLocks.released(nsPath, name, token);
            }
            return renewed;
        });
    }

    @Override
    public boolean unlock(Namespace ns, String name, String token) {
        String nsPath = ns.path();
        return writer.write("releasing a lock", tx -> {
            boolean released = LockTable.release(tx.connection(), nsPath, name, token);
            tx.afterCommit(() -> ownedLocks.released(nsPath, name, token));
            return released;
        });
    }

    @Override
    public int lockEntries() {
        return ownedLocks.size();
    }

    Writer writerForTests() {
        return writer;
    }

    /** Runs a whole expiry sweep now (tests use it instead of waiting for the scheduled one). */
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
