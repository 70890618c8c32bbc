package dev.plinth.bench;

import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.core.storage.StorageEngine;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
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

/**
 * The SQLite provider beside raw sqlite-jdbc with the same pragmas (WAL, {@code synchronous=NORMAL},
 * {@code busy_timeout=5000}) and the same schema shape (namespace, key, value, version, expires_at;
 * {@code PRIMARY KEY (namespace, key) WITHOUT ROWID}), using prepared statements. Each raw thread has its
 * own connection, as separate plain-JDBC callers would: at 4 threads {@code rawSet} is one autocommit
 * transaction per write per thread, which the provider's group commit is expected to beat.
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
    static final String PUT = "INSERT OR REPLACE INTO kv (namespace, key, value, version, expires_at)"
            + " VALUES (?, ?, ?, ?, 0)";

    /** Opens a raw connection with the provider's pragmas. */
    static Connection rawConnection(Path file) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement st = c.createStatement()) {
            st.execute("PRAGMA journal_mode=WAL");
            st.execute("PRAGMA synchronous=NORMAL");
            st.execute("PRAGMA busy_timeout=5000");
        }
        return c;
    }

    /** The provider's database and the raw one, side by side in one temp folder, both preloaded. */
    @State(Scope.Benchmark)
    public static class Stores {
        Path dir;
        Path rawFile;
        StorageEngine engine;
        KeyValueStore store;
        final AtomicLong rawVersions = new AtomicLong();
        final List<Map<String, byte[]>> batches = new ArrayList<>();
        String[] keys;
        byte[] value;

        @Setup(Level.Trial)
        public void setUp() throws SQLException {
            dir = Data.tempDir("sqlite");
            engine = Plinth.open("sqlite", Map.of(
                    "path", dir.resolve("plinth.db").toString(),
                    "wal", "true",
                    "durability", "normal",
                    "busyTimeout", "5s"));
            store = engine.store(Plinth.NAMESPACE);
            keys = Data.keys(Data.WORKING_SET);
            value = Data.value(0);
            rawFile = dir.resolve("raw.db");
            try (Connection c = rawConnection(rawFile)) {
                try (Statement st = c.createStatement()) {
                    st.execute(SCHEMA);
                }
                c.setAutoCommit(false);
                try (PreparedStatement put = c.prepareStatement(PUT)) {
                    for (int b = 0; b < Data.WORKING_SET / Data.BATCH; b++) {
                        Map<String, byte[]> batch = Data.batch(keys, b);
                        batches.add(batch);
                        store.setAll(batch);
                        for (Map.Entry<String, byte[]> e : batch.entrySet()) {
                            bindPut(put, e.getKey(), e.getValue(), rawVersions.incrementAndGet());
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
            engine.close();
            Data.deleteTree(dir);
        }
    }

    static void bindPut(PreparedStatement put, String key, byte[] value, long version) throws SQLException {
        put.setString(1, Plinth.NAMESPACE);
        put.setString(2, key);
        put.setBytes(3, value);
        put.setLong(4, version);
    }

    /** One raw connection per benchmark thread with its statements prepared once. */
    @State(Scope.Thread)
    public static class Raw {
        Connection connection;
        PreparedStatement get;
        PreparedStatement put;
        PreparedStatement begin;
        PreparedStatement commit;

        @Setup(Level.Trial)
        public void setUp(Stores s) throws SQLException {
            connection = rawConnection(s.rawFile);
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

    @Benchmark
    public Optional<byte[]> plinthGet(Stores s, Cursor c) {
        return s.store.get(s.keys[c.next(Data.WORKING_SET)]);
    }

    @Benchmark
    public byte[] rawGet(Stores s, Raw r, Cursor c) throws SQLException {
        r.get.setString(1, Plinth.NAMESPACE);
        r.get.setString(2, s.keys[c.next(Data.WORKING_SET)]);
        r.get.setLong(3, System.currentTimeMillis());
        try (ResultSet rs = r.get.executeQuery()) {
            return rs.next() ? rs.getBytes(1) : null;
        }
    }

    @Benchmark
    public long plinthSet(Stores s, Cursor c) {
        return s.store.set(s.keys[c.next(Data.WORKING_SET)], s.value);
    }

    /** One autocommit INSERT OR REPLACE: one transaction per write. */
    @Benchmark
    public int rawSet(Stores s, Raw r, Cursor c) throws SQLException {
        bindPut(r.put, s.keys[c.next(Data.WORKING_SET)], s.value, s.rawVersions.incrementAndGet());
        return r.put.executeUpdate();
    }

    @Benchmark
    public void plinthSetAll(Stores s, Cursor c) {
        s.store.setAll(s.batches.get(c.nextMod(s.batches.size())));
    }

    /** One transaction holding a JDBC batch of 100 INSERT OR REPLACE. */
    @Benchmark
    public int[] rawSetAll(Stores s, Raw r, Cursor c) throws SQLException {
        Map<String, byte[]> batch = s.batches.get(c.nextMod(s.batches.size()));
        r.begin.execute();
        boolean committed = false;
        try {
            for (Map.Entry<String, byte[]> e : batch.entrySet()) {
                bindPut(r.put, e.getKey(), e.getValue(), s.rawVersions.incrementAndGet());
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
