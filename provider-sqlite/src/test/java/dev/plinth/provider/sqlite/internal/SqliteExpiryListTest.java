package dev.plinth.provider.sqlite.internal;

import static dev.plinth.provider.sqlite.internal.TestBackends.present;
import static dev.plinth.provider.sqlite.internal.TestBackends.writes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.provider.sqlite.internal.TestBackends.Event;
import dev.plinth.provider.sqlite.internal.TestBackends.Recorder;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.Write;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sweeper's due list, {@code plinth_expiry} (schema version 4): written beside every row with an
 * expiry, allowed to hold stale entries, never the reason a live row is deleted. Each behaviour runs on a shared and on an exclusive file,
 * whose puts take different SQL paths.
 */
class SqliteExpiryListTest {
    private static final Namespace NS = Namespace.of("notes");
    private static final long NONE = 0;
    private static final long HOUR = 3_600_000;

    @TempDir
    Path dir;

    private SqliteStorageBackend open(Path file, Recorder events, boolean exclusive) {
        return TestBackends.open(file, events, "exclusive", Boolean.toString(exclusive), "sweepInterval", "1h");
    }

    private static List<String> rows(Path file, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static List<String> entries(Path file) throws SQLException {
        return rows(file, "SELECT namespace || '/' || key || '@' || expires_at FROM plinth_expiry ORDER BY key");
    }

    @ParameterizedTest(name = "exclusive={0}")
    @ValueSource(booleans = {false, true})
    void aKeyRewrittenWithoutExpiryOutlivesItsOldEntry(boolean exclusive) throws Exception {
        Path file = dir.resolve("rewrite.db");
        Recorder events = new Recorder();
        try (SqliteStorageBackend b = open(file, events, exclusive)) {
            b.set(NS, "kept", new byte[] {1}, 1);
            b.set(NS, "kept", new byte[] {2}, NONE);
            b.commit(NS, writes(new Write.Put("batched", new byte[] {1}, 1)));
            b.commit(NS, writes(new Write.Put("batched", new byte[] {2}, NONE)));
            b.set(NS, "gone", new byte[] {3}, 1);
            // Entries are left behind on purpose: removing them would cost every put a read.
            assertThat(entries(file)).hasSize(3);
            Thread.sleep(5);
            events.clear();

            b.sweepNow();

            assertThat(events.events()).containsExactly(new Event(NS.path(), ChangeType.EXPIRE, "gone", 0));
            assertThat(present(b.get(NS, "kept")).value()).containsExactly(2);
            assertThat(present(b.get(NS, "batched")).value()).containsExactly(2);
            assertThat(b.get(NS, "gone")).isNull();
            assertThat(entries(file)).isEmpty();
        }
    }

    @ParameterizedTest(name = "exclusive={0}")
    @ValueSource(booleans = {false, true})
    void everyWriteThatSetsAnExpiryKeepsTheEntryInStepWithTheRow(boolean exclusive) throws Exception {
        Path file = dir.resolve("in-step.db");
        Recorder events = new Recorder();
        try (SqliteStorageBackend b = open(file, events, exclusive)) {
            b.set(NS, "plain", new byte[] {1}, NONE);
            b.set(NS, "ttl", new byte[] {1}, HOUR);
            long ttlExpiry = present(b.get(NS, "ttl")).expiresAtMillis();
            b.set(NS, "n", "5".getBytes(), HOUR);
            long counterExpiry = present(b.get(NS, "n")).expiresAtMillis();
            b.increment(NS, "n", 2);
            assertThat(b.expire(NS, "plain", HOUR)).isTrue();
            long plainExpiry = present(b.get(NS, "plain")).expiresAtMillis();
            long cas = present(b.get(NS, "ttl")).version();
            b.compareAndSet(NS, "ttl", cas, new byte[] {2}, 2 * HOUR);
            long casExpiry = present(b.get(NS, "ttl")).expiresAtMillis();

            assertThat(casExpiry).isGreaterThan(ttlExpiry);
            assertThat(entries(file))
                    .containsExactly(
                            "notes/n@" + counterExpiry, "notes/plain@" + plainExpiry, "notes/ttl@" + casExpiry);
            // The invariant the sweeper relies on: every row with an expiry has an entry with that expiry.
            assertThat(rows(
                            file,
                            "SELECT count(*) FROM plinth_kv k WHERE expires_at > 0 AND NOT EXISTS"
                                    + " (SELECT 1 FROM plinth_expiry e WHERE e.namespace = k.namespace AND e.key = k.key"
                                    + " AND e.expires_at = k.expires_at)"))
                    .containsExactly("0");

            assertThat(b.expire(NS, "n", 1)).isTrue();
            Thread.sleep(5);
            events.clear();
            b.sweepNow();
            assertThat(events.events()).containsExactly(new Event(NS.path(), ChangeType.EXPIRE, "n", 0));
            assertThat(entries(file)).containsExactly("notes/plain@" + plainExpiry, "notes/ttl@" + casExpiry);
        }
    }

    @ParameterizedTest(name = "exclusive={0}")
    @ValueSource(booleans = {false, true})
    void clearDropsTheNamespacesEntriesOnly(boolean exclusive) throws Exception {
        Path file = dir.resolve("clear.db");
        try (SqliteStorageBackend b = open(file, new Recorder(), exclusive)) {
            b.set(NS, "a", new byte[] {1}, HOUR);
            b.set(Namespace.of("other"), "a", new byte[] {1}, HOUR);
            b.clear(NS);
            assertThat(entries(file)).singleElement().asString().startsWith("other/a@");
        }
    }

    @ParameterizedTest(name = "exclusive={0}")
    @ValueSource(booleans = {false, true})
    void everyWayOfWritingAnExpiryListsTheKey(boolean exclusive) throws Exception {
        Path file = dir.resolve("ways.db");
        Recorder events = new Recorder();
        try (SqliteStorageBackend b = open(file, events, exclusive)) {
            b.set(NS, "lone", new byte[] {1}, 1);
            b.commit(
                    NS,
                    writes(
                            new Write.Put("batchA", new byte[] {1}, 1),
                            new Write.Put("plain", new byte[] {1}, NONE),
                            new Write.Put("batchB", new byte[] {1}, 1)));
            b.commit(NS, writes(new Write.Remove("nothing"), new Write.Put("tx", new byte[] {1}, 1)));
            b.compareAndSet(NS, "cas", 0, new byte[] {1}, 1);
            b.set(NS, "later", new byte[] {1}, NONE);
            b.expire(NS, "later", 1);
            assertThat(entries(file))
                    .extracting(e -> e.substring(0, e.indexOf('@')))
                    .containsExactly(
                            "notes/batchA", "notes/batchB", "notes/cas", "notes/later", "notes/lone", "notes/tx");
            Thread.sleep(5);
            events.clear();
            b.sweepNow();
            assertThat(events.events())
                    .extracting(Event::key)
                    .containsExactlyInAnyOrder("lone", "batchA", "batchB", "tx", "cas", "later");
            assertThat(b.get(NS, "plain")).isNotNull();
            assertThat(entries(file)).isEmpty();
        }
    }

    @Test
    void theSweepSearchesTheDueIndex() throws Exception {
        Path file = dir.resolve("plan.db");
        try (SqliteStorageBackend b = open(file, new Recorder(), false)) {
            for (int i = 0; i < 100; i++) {
                b.set(NS, "k" + i, new byte[0], i % 2 == 0 ? NONE : HOUR);
            }
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + ExpirySweeper.SELECT_DUE)) {
            ps.setLong(1, System.currentTimeMillis());
            List<String> plan = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    plan.add(rs.getString("detail"));
                }
            }
            assertThat(plan)
                    .containsExactly("SEARCH plinth_expiry USING COVERING INDEX plinth_expiry_due (expires_at<?)");
        }
    }

    @Test
    void aVersionThreeFileGetsItsExpiringRowsListedAndSwept() throws Exception {
        Path file = dir.resolve("v3.db");
        try (SqliteStorageBackend b = open(file, new Recorder(), false)) {
            b.set(NS, "plain", new byte[] {1}, NONE);
        }
        // Back to version 3's shape: the partial index on plinth_kv and no due list.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement st = c.createStatement()) {
            st.execute("DROP TABLE plinth_expiry");
            st.execute("CREATE INDEX plinth_kv_expiry ON plinth_kv (expires_at) WHERE expires_at > 0");
            st.execute("INSERT INTO plinth_kv VALUES ('notes', 'expired', x'01', 2, 1)");
            st.execute("INSERT INTO plinth_kv VALUES ('notes', 'later', x'01', 3, 9999999999999)");
            st.execute("PRAGMA user_version=3");
        }
        Recorder events = new Recorder();
        try (SqliteStorageBackend b = open(file, events, true)) {
            assertThat(rows(file, "PRAGMA user_version")).containsExactly(Integer.toString(Schema.CURRENT));
            assertThat(rows(file, "SELECT name FROM sqlite_schema WHERE name = 'plinth_kv_expiry'"))
                    .isEmpty();
            assertThat(entries(file)).containsExactly("notes/expired@1", "notes/later@9999999999999");
            // Exclusive mode learned from the list that this namespace may hold an expired row in the way.
            long v = b.set(NS, "expired", new byte[] {2}, NONE);
            assertThat(events.events())
                    .containsExactly(
                            new Event(NS.path(), ChangeType.EXPIRE, "expired", 0),
                            new Event(NS.path(), ChangeType.SET, "expired", v));
            b.sweepNow();
            assertThat(present(b.get(NS, "expired")).value()).containsExactly(2);
            assertThat(b.get(NS, "later")).isNotNull();
            assertThat(b.get(NS, "plain")).isNotNull();
            assertThat(entries(file)).containsExactly("notes/later@9999999999999");
        }
    }
}
