package dev.plinth.bench;

import static dev.plinth.bench.Fixture.VALUE;
import static dev.plinth.bench.Fixture.WRITE_BATCHES;

import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.core.storage.StorageEngine;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.sqlite.SQLiteConfig;

/**
 * The SQLite provider beside raw sqlite-jdbc with the same pragmas (WAL, {@code synchronous=NORMAL},
 * {@code busy_timeout=5000}) and the same schema shape (namespace, key, value, version, expires_at;
 * {@code PRIMARY KEY (namespace, key) WITHOUT ROWID}), using prepared statements; the raw read filters
 * expiry in SQL as the provider must. Each raw thread has its own connection, as separate plain-JDBC
 * callers would: at 4 threads {@code rawSet} is one autocommit transaction per write per thread, which
 * the provider's group commit is expected to beat.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SqliteBench {
    static final String SCHEMA = "CREATE TABLE IF NOT EXISTS kv ("
            + " namespace TEXT NOT NULL,"
            + " key TEXT NOT NULL,"
            + " value BLOB NOT NULL,"
            + " version INTEGER NOT NULL,"
            + " expires_at INTEGER NOT NULL DEFAULT 0,"
            + " PRIMARY KEY (namespace, key)"
            + ") WITHOUT ROWID";
    static final String GET = "SELECT value, version, expires_at FROM kv"
            + " WHERE namespace = ? AND key = ? AND (expires_at = 0 OR expires_at > ?)";
    static final String PUT =
            "INSERT OR REPLACE INTO kv (namespace, key, value, version, expires_at)" + " VALUES (?, ?, ?, ?, 0)";

    /** A SQLite engine in a fresh folder, preloaded with the working set. */
    @State(Scope.Benchmark)
    public static class PlinthDb {
        Path dir;
        StorageEngine engine;
        KeyValueStore store;

        /** The provider's {@code durability} option for this state. */
        String durability() {
            return "normal";
        }

        /** The provider's {@code exclusive} option for this state. */
        String exclusive() {
            return "false";
        }

        @Setup(Level.Trial)
        public void setUp() {
            dir = Data.tempDir("sqlite");
            engine = Plinth.open(
                    "sqlite",
                    Map.of(
                            "path", dir.resolve("plinth.db").toString(),
                            "wal", "true",
                            "durability", durability(),
                            "exclusive", exclusive(),
                            "busyTimeout", "5s"));
            store = engine.store(Plinth.NAMESPACE);
            WRITE_BATCHES.forEach(store::setAll);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            engine.close();
            Data.deleteTree(dir);
        }
    }

    /** The engine with {@code durability=full}: every commit waits for fsync, the cost group commit shares. */
    @State(Scope.Benchmark)
    public static class PlinthDbFull extends PlinthDb {
        @Override
        String durability() {
            return "full";
        }
    }

    /** The engine with {@code exclusive=true}: one process owns the file, writes skip the change log. */
    @State(Scope.Benchmark)
    public static class PlinthDbExclusive extends PlinthDb {
        @Override
        String exclusive() {
            return "true";
        }
    }

    /** The raw database file, created with the schema and preloaded with the working set. */
    @State(Scope.Benchmark)
    public static class RawDb {
        Path dir;
        Path file;
        /** One ever-growing version sequence, as the provider keeps. */
        final AtomicLong versions = new AtomicLong();

        /** The {@code PRAGMA synchronous} of this database's connections. */
        String synchronous() {
            return "NORMAL";
        }

        @Setup(Level.Trial)
        public void setUp() throws SQLException {
            dir = Data.tempDir("sqlite-raw");
            file = dir.resolve("raw.db");
            try (Connection c = connect(file, synchronous())) {
                try (Statement st = c.createStatement()) {
                    st.execute(SCHEMA);
                }
                c.setAutoCommit(false);
                try (PreparedStatement put = c.prepareStatement(PUT)) {
                    for (Map<String, byte[]> batch : WRITE_BATCHES) {
                        for (Map.Entry<String, byte[]> e : batch.entrySet()) {
                            bindPut(put, e.getKey(), e.getValue(), versions.incrementAndGet());
                            put.addBatch();
                        }
                        put.executeBatch();
                    }
                }
                c.commit();
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            Data.deleteTree(dir);
        }

        /**
         * Opens a raw connection with the provider's pragmas and driver setting (no generated-keys query
         * after each INSERT), so the comparison is not flattered by a driver default.
         */
        static Connection connect(Path file, String synchronous) throws SQLException {
            SQLiteConfig config = new SQLiteConfig();
            config.setGetGeneratedKeys(false);
            // Set before the first statement: threads open their connections at once, and switching to WAL
            // must wait for the others rather than fail with SQLITE_BUSY. Long, because with
            // synchronous=FULL and four writers SQLite's sleeping busy handler can starve one connection
            // for seconds; the benchmark measures the throughput that leaves, it must not fail.
            config.setBusyTimeout(60_000);
            Connection c = config.createConnection("jdbc:sqlite:" + file);
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA journal_mode=WAL");
                st.execute("PRAGMA synchronous=" + synchronous);
            }
            return c;
        }
    }

    /** The raw database with {@code synchronous=FULL}, like the engine's {@code durability=full}. */
    @State(Scope.Benchmark)
    public static class RawDbFull extends RawDb {
        @Override
        String synchronous() {
            return "FULL";
        }
    }

    static void bindPut(PreparedStatement put, String key, byte[] value, long version) throws SQLException {
        put.setString(1, Plinth.NAMESPACE);
        put.setString(2, key);
        put.setBytes(3, value);
        put.setLong(4, version);
    }

    /** A raw connection with its statements prepared once; the subclasses say which database. */
    abstract static class RawStatements {
        Connection connection;
        PreparedStatement get;
        PreparedStatement put;
        PreparedStatement begin;
        PreparedStatement commit;

        void open(RawDb db) throws SQLException {
            connection = RawDb.connect(db.file, db.synchronous());
            get = connection.prepareStatement(GET);
            put = connection.prepareStatement(PUT);
            begin = connection.prepareStatement("BEGIN IMMEDIATE");
            commit = connection.prepareStatement("COMMIT");
        }

        @TearDown(Level.Trial)
        public void tearDown() throws SQLException {
            connection.close();
        }
    }

    /** One raw connection per benchmark thread to {@link RawDb}. */
    @State(Scope.Thread)
    public static class RawConnection extends RawStatements {
        @Setup(Level.Trial)
        public void setUp(RawDb db) throws SQLException {
            open(db);
        }
    }

    /** One raw connection per benchmark thread to {@link RawDbFull}. */
    @State(Scope.Thread)
    public static class RawConnectionFull extends RawStatements {
        @Setup(Level.Trial)
        public void setUp(RawDbFull db) throws SQLException {
            open(db);
        }
    }

    @Benchmark
    public Optional<byte[]> plinthGet(PlinthDb s, Cursor c) {
        return s.store.get(Fixture.key(c));
    }

    @Benchmark
    public byte[] rawGet(RawConnection r, Cursor c) throws SQLException {
        r.get.setString(1, Plinth.NAMESPACE);
        r.get.setString(2, Fixture.key(c));
        r.get.setLong(3, System.currentTimeMillis());
        try (ResultSet rs = r.get.executeQuery()) {
            return rs.next() ? rs.getBytes(1) : null;
        }
    }

    @Benchmark
    public long plinthSet(PlinthDb s, Cursor c) {
        return s.store.set(Fixture.key(c), VALUE);
    }

    /** {@code exclusive=true}: the same write without the cross-process change log. */
    @Benchmark
    public long plinthSetExclusive(PlinthDbExclusive s, Cursor c) {
        return s.store.set(Fixture.key(c), VALUE);
    }

    /** One autocommit INSERT OR REPLACE: one transaction per write. */
    @Benchmark
    public int rawSet(RawDb db, RawConnection r, Cursor c) throws SQLException {
        bindPut(r.put, Fixture.key(c), VALUE, db.versions.incrementAndGet());
        return r.put.executeUpdate();
    }

    /** {@code durability=full}: with several writers, group commit shares one fsync among them. */
    @Benchmark
    public long plinthSetFull(PlinthDbFull s, Cursor c) {
        return s.store.set(Fixture.key(c), VALUE);
    }

    /** One autocommit INSERT OR REPLACE with {@code synchronous=FULL}: one fsync per write. */
    @Benchmark
    public int rawSetFull(RawDbFull db, RawConnectionFull r, Cursor c) throws SQLException {
        bindPut(r.put, Fixture.key(c), VALUE, db.versions.incrementAndGet());
        return r.put.executeUpdate();
    }

    @Benchmark
    public void plinthSetAll(PlinthDb s, Cursor c) {
        s.store.setAll(WRITE_BATCHES.get(Fixture.batch(c)));
    }

    /** {@code exclusive=true}: the same batch without the cross-process change log. */
    @Benchmark
    public void plinthSetAllExclusive(PlinthDbExclusive s, Cursor c) {
        s.store.setAll(WRITE_BATCHES.get(Fixture.batch(c)));
    }

    /** One {@code BEGIN IMMEDIATE} transaction holding a JDBC batch of 100 INSERT OR REPLACE. */
    @Benchmark
    public int[] rawSetAll(RawDb db, RawConnection r, Cursor c) throws SQLException {
        return batchInsert(db, r, c);
    }

    private static int[] batchInsert(RawDb db, RawStatements r, Cursor c) throws SQLException {
        Map<String, byte[]> batch = WRITE_BATCHES.get(Fixture.batch(c));
        r.begin.execute();
        boolean committed = false;
        try {
            for (Map.Entry<String, byte[]> e : batch.entrySet()) {
                bindPut(r.put, e.getKey(), e.getValue(), db.versions.incrementAndGet());
                r.put.addBatch();
            }
            int[] counts = r.put.executeBatch();
            r.commit.execute();
            committed = true;
            return counts;
        } finally {
            if (!committed) {
                r.put.clearBatch();
                try (Statement st = r.connection.createStatement()) {
                    st.execute("ROLLBACK");
                }
            }
        }
    }
}
