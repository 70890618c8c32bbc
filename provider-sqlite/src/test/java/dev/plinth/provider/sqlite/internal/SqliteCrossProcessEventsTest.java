package dev.plinth.provider.sqlite.internal;

import static dev.plinth.provider.sqlite.internal.TestBackends.present;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.provider.sqlite.internal.TestBackends.Event;
import dev.plinth.provider.sqlite.internal.TestBackends.Recorder;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.StorageBackend;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Changes committed through one backend reach the listener of another backend on the same file. */
class SqliteCrossProcessEventsTest {
    private static final Namespace NS = Namespace.of("feed");
    private static final long NONE = StorageBackend.NO_EXPIRY;

    @TempDir
    Path dir;

    private static List<Event> awaitEvents(Recorder r, Predicate<List<Event>> done) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!done.test(r.events()) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return r.events();
    }

    @Test
    void otherBackendsChangesAreReportedOnceInCommitOrder() throws Exception {
        Path file = dir.resolve("feed.db");
        Recorder seenByA = new Recorder();
        Recorder seenByB = new Recorder();
        try (SqliteStorageBackend a = TestBackends.open(file, seenByA, "eventPollInterval", "10ms");
                SqliteStorageBackend b = TestBackends.open(file, seenByB, "eventPollInterval", "10ms")) {
            long v1 = a.set(NS, "k1", new byte[] {1}, NONE);
            long v2 = b.set(NS, "k1", new byte[] {2}, NONE);
            long v3 = a.set(NS.child("x"), "k2", new byte[] {3}, NONE);
            a.delete(NS, "k1");
            a.deleteMatching(NS.child("x"), GlobPattern.compile("k*"));
            b.clear(NS);

            List<Event> expected = List.of(
                    new Event("feed", ChangeType.SET, "k1", v1),
                    new Event("feed", ChangeType.SET, "k1", v2),
                    new Event("feed/x", ChangeType.SET, "k2", v3),
                    new Event("feed", ChangeType.DELETE, "k1", 0),
                    new Event("feed/x", ChangeType.DELETE, "k2", 0),
                    new Event("feed", ChangeType.CLEAR, null, 0));
            assertThat(awaitEvents(seenByA, e -> e.size() >= expected.size())).containsExactlyElementsOf(expected);
            assertThat(awaitEvents(seenByB, e -> e.size() >= expected.size())).containsExactlyElementsOf(expected);
            Thread.sleep(100);
            assertThat(seenByA.events()).hasSize(expected.size());
            assertThat(seenByB.events()).hasSize(expected.size());
        }
    }

    @Test
    void expiriesReclaimedByOneBackendAreReportedToTheOther() throws Exception {
        Path file = dir.resolve("expire.db");
        Recorder seenByB = new Recorder();
        try (SqliteStorageBackend a = TestBackends.open(file, "sweepInterval", "1h");
                SqliteStorageBackend b =
                        TestBackends.open(file, seenByB, "sweepInterval", "1h", "eventPollInterval", "10ms")) {
            long v = a.set(NS, "short", new byte[] {1}, 1);
            Thread.sleep(5);
            a.sweepNow();
            assertThat(awaitEvents(seenByB, e -> e.size() >= 2))
                    .containsExactly(
                            new Event("feed", ChangeType.SET, "short", v),
                            new Event("feed", ChangeType.EXPIRE, "short", 0));
        }
    }

    /**
     * A set over an expired row that no sweep has reclaimed yet reports the reclaim first, to this backend's
     * watchers and through the log to others: the set does not read the row first, so its upsert finds the
     * expired row and the SET it logged becomes the EXPIRE. The log keeps contiguous numbers (no gap for
     * the other backend to take for trimmed rows) and the reclaim's number below the new version.
     */
    @Test
    void aSetOverAnExpiredRowLogsItsReclaimBeforeTheSet() throws Exception {
        Path file = dir.resolve("reclaim.db");
        Recorder seenByA = new Recorder();
        Recorder seenByB = new Recorder();
        try (SqliteStorageBackend a =
                        TestBackends.open(file, seenByA, "sweepInterval", "1h", "eventPollInterval", "10ms");
                SqliteStorageBackend b =
                        TestBackends.open(file, seenByB, "sweepInterval", "1h", "eventPollInterval", "10ms")) {
            long v1 = a.set(NS, "short", new byte[] {1}, 1);
            long v2 = a.set(NS, "live", new byte[] {1}, NONE);
            Thread.sleep(5);
            long v3 = a.set(NS, "short", new byte[] {2}, NONE);
            // Over a live row and a new key the set writes as usual.
            long v4 = a.set(NS, "live", new byte[] {2}, 60_000);
            long v5 = a.set(NS, "new", new byte[] {3}, NONE);
            // Over an expired row, this time with a TTL of its own.
            a.set(NS, "gone", new byte[] {4}, 1);
            Thread.sleep(5);
            long v7 = b.set(NS, "gone", new byte[] {5}, 60_000);
            List<Event> expected = List.of(
                    new Event("feed", ChangeType.SET, "short", v1),
                    new Event("feed", ChangeType.SET, "live", v2),
                    new Event("feed", ChangeType.EXPIRE, "short", 0),
                    new Event("feed", ChangeType.SET, "short", v3),
                    new Event("feed", ChangeType.SET, "live", v4),
                    new Event("feed", ChangeType.SET, "new", v5),
                    new Event("feed", ChangeType.SET, "gone", v7 - 2),
                    new Event("feed", ChangeType.EXPIRE, "gone", 0),
                    new Event("feed", ChangeType.SET, "gone", v7));
            assertThat(awaitEvents(seenByB, e -> e.size() >= expected.size())).containsExactlyElementsOf(expected);
            assertThat(awaitEvents(seenByA, e -> e.size() >= expected.size())).containsExactlyElementsOf(expected);
            assertThat(v4).isEqualTo(v3 + 1);
            assertThat(present(a.get(NS, "short")).version()).isEqualTo(v3);
            assertThat(present(b.get(NS, "gone")).version()).isEqualTo(v7);
            assertThat(present(b.get(NS, "gone")).expiresAtMillis()).isPositive();
        }
        try (SqlConnection c = new SqlConnection(DriverManager.getConnection("jdbc:sqlite:" + file))) {
            List<String> log = new java.util.ArrayList<>();
            c.queryStrings(
                    "SELECT seq || ' ' || type || ' ' || key FROM plinth_changes WHERE type <> 'MARK' ORDER BY seq",
                    log);
            long first = Long.parseLong(log.get(0).split(" ")[0]);
            for (int i = 0; i < log.size(); i++) {
                // Contiguous: another backend reading the log finds no hole.
                assertThat(Long.parseLong(log.get(i).split(" ")[0])).isEqualTo(first + i);
            }
            assertThat(log)
                    .extracting(row -> row.substring(row.indexOf(' ') + 1))
                    .containsExactly(
                            "SET short",
                            "SET live",
                            "EXPIRE short",
                            "SET short",
                            "SET live",
                            "SET new",
                            "SET gone",
                            "EXPIRE gone",
                            "SET gone");
        }
    }

    @Test
    void aNewBackendReportsOnlyLaterChanges() throws Exception {
        Path file = dir.resolve("later.db");
        try (SqliteStorageBackend a = TestBackends.open(file)) {
            a.set(NS, "before", new byte[] {1}, NONE);
            Recorder seenByB = new Recorder();
            try (SqliteStorageBackend b = TestBackends.open(file, seenByB, "eventPollInterval", "10ms")) {
                long v = a.set(NS, "after", new byte[] {1}, NONE);
                assertThat(awaitEvents(seenByB, e -> !e.isEmpty()))
                        .containsExactly(new Event("feed", ChangeType.SET, "after", v));
            }
        }
    }

    @Test
    void aBackendThatFellBehindTheTrimmedLogSaysSoBeforeTheChangesThatFollow() throws Exception {
        Path file = dir.resolve("behind.db");
        Recorder seenByB = new Recorder();
        try (SqliteStorageBackend a = TestBackends.open(file, "sweepInterval", "1h");
                SqliteStorageBackend b =
                        TestBackends.open(file, seenByB, "sweepInterval", "1h", "eventPollInterval", "1h")) {
            a.set(NS, "x1", new byte[] {1}, NONE);
            a.set(NS, "x2", new byte[] {1}, NONE);
            long x3 = a.set(NS, "x3", new byte[] {1}, NONE);
            try (SqlConnection c = new SqlConnection(DriverManager.getConnection("jdbc:sqlite:" + file))) {
                SharedChangeLog.trim(c, Long.MAX_VALUE / 2);
            }
            // B's write reads the foreign rows committed before it and finds the hole trimming left.
            long mine = b.set(NS, "mine", new byte[] {2}, NONE);
            assertThat(seenByB.events())
                    .containsExactly(
                            TestBackends.MISSED,
                            new Event("feed", ChangeType.SET, "x3", x3),
                            new Event("feed", ChangeType.SET, "mine", mine));
            // Reported once: the next write finds no hole.
            long again = b.set(NS, "mine", new byte[] {3}, NONE);
            assertThat(seenByB.events())
                    .endsWith(new Event("feed", ChangeType.SET, "mine", again))
                    .filteredOn(TestBackends.MISSED::equals)
                    .hasSize(1);
        }
    }

    @Test
    void versionsNeverRepeatAfterTheChangeLogWasTrimmedToItsNewestRow() throws Exception {
        Path file = dir.resolve("trimmed.db");
        long last;
        try (SqliteStorageBackend backend = TestBackends.open(file)) {
            backend.set(NS, "a", new byte[] {1}, NONE);
            backend.delete(NS, "a");
            last = backend.set(NS, "b", new byte[] {2}, NONE);
        }
        try (SqlConnection c = new SqlConnection(DriverManager.getConnection("jdbc:sqlite:" + file))) {
            SharedChangeLog.trim(c, Long.MAX_VALUE / 2);
            assertThat(c.queryLong("SELECT count(*) FROM plinth_changes")).isEqualTo(1);
            assertThat(c.queryLong("SELECT max(seq) FROM plinth_changes")).isEqualTo(last);
        }
        try (SqliteStorageBackend backend = TestBackends.open(file)) {
            assertThat(backend.set(NS, "a", new byte[] {3}, NONE)).isGreaterThan(last);
        }
    }

    @Test
    void aVersionOneDatabaseIsMigratedForwardKeepingItsData() throws Exception {
        Path file = dir.resolve("v1.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE plinth_kv (namespace TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL,"
                    + " version INTEGER NOT NULL, expires_at INTEGER NOT NULL DEFAULT 0,"
                    + " PRIMARY KEY (namespace, key)) WITHOUT ROWID");
            st.execute("CREATE INDEX plinth_kv_expiry ON plinth_kv (expires_at) WHERE expires_at > 0");
            st.execute("CREATE TABLE plinth_sequence (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL)");
            st.execute("INSERT INTO plinth_sequence VALUES (1, 7)");
            st.execute("CREATE TABLE plinth_locks (namespace TEXT NOT NULL, name TEXT NOT NULL, token TEXT NOT NULL,"
                    + " lease_until INTEGER NOT NULL, PRIMARY KEY (namespace, name)) WITHOUT ROWID");
            st.execute("INSERT INTO plinth_kv VALUES ('feed', 'old', x'2A', 7, 0)");
            st.execute("PRAGMA application_id=" + Schema.APPLICATION_ID);
            st.execute("PRAGMA user_version=1");
        }
        try (SqliteStorageBackend backend = TestBackends.open(file)) {
            assertThat(present(backend.get(NS, "old")).version()).isEqualTo(7);
            assertThat(backend.set(NS, "new", new byte[0], NONE)).isEqualTo(8);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement st = c.createStatement()) {
            assertThat(st.executeQuery("PRAGMA user_version").getInt(1)).isEqualTo(Schema.CURRENT);
            assertThat(st.executeQuery("SELECT count(*) FROM plinth_changes WHERE type <> 'MARK'")
                            .getInt(1))
                    .isEqualTo(1);
            assertThat(st.executeQuery("SELECT count(*) FROM sqlite_schema WHERE name = 'plinth_sequence'")
                            .getInt(1))
                    .isZero();
        }
    }
}
