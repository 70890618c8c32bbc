package dev.plinth.provider.sqlite.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.StorageOpenException;
import dev.plinth.provider.sqlite.DamagedDatabaseException;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.StorageBackend;
import java.nio.file.Files;
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

class SqliteSchemaTest {
    @TempDir
    Path dir;

    private static Connection raw(Path file) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + file);
    }

    private static List<String> column(Connection c, String sql, int col) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(col));
            }
        }
        return out;
    }

    @Test
    void createsTheDocumentedSchemaAndVersion() throws SQLException {
        Path file = dir.resolve("nested/folders/plinth.db");
        try (SqliteStorageBackend backend = TestBackends.open(file)) {
            long v = backend.set(Namespace.of("p"), "k", new byte[] {1}, StorageBackend.NO_EXPIRY);
            try (Connection c = raw(file)) {
                assertThat(column(c, "PRAGMA table_info(plinth_kv)", 2))
                        .containsExactly("namespace", "key", "value", "version", "expires_at");
                assertThat(column(c, "SELECT sql FROM sqlite_schema WHERE name = 'plinth_kv'", 1)
                                .get(0))
                        .contains("PRIMARY KEY (namespace, key)")
                        .contains("WITHOUT ROWID");
                // No secondary index on plinth_kv: with one, SQLite reads the old row on every write.
                assertThat(column(c, "PRAGMA index_list(plinth_kv)", 4)).containsOnly("pk");
                assertThat(column(c, "PRAGMA table_info(plinth_expiry)", 2))
                        .containsExactly("namespace", "key", "expires_at");
                assertThat(column(c, "PRAGMA index_list(plinth_expiry)", 2)).contains("plinth_expiry_due");
                // No trigger either: even one whose WHEN is false slows every INSERT OR REPLACE.
                assertThat(column(c, "SELECT name FROM sqlite_schema WHERE type = 'trigger'", 1))
                        .isEmpty();
                assertThat(column(c, "PRAGMA table_info(plinth_locks)", 2))
                        .containsExactly("namespace", "name", "token", "lease_until");
                assertThat(column(c, "PRAGMA table_info(plinth_changes)", 2))
                        .containsExactly("seq", "origin", "namespace", "type", "key", "at");
                // The version sequence is the change log's sequence number.
                assertThat(column(c, "SELECT max(seq) FROM plinth_changes", 1)).containsExactly(Long.toString(v));
                assertThat(column(c, "SELECT sql FROM sqlite_schema WHERE name = 'plinth_changes'", 1)
                                .get(0))
                        .doesNotContain("AUTOINCREMENT");
                assertThat(column(c, "SELECT name FROM sqlite_schema WHERE name = 'plinth_sequence'", 1))
                        .isEmpty();
                assertThat(column(c, "PRAGMA user_version", 1)).containsExactly(Integer.toString(Schema.CURRENT));
                assertThat(column(c, "PRAGMA application_id", 1))
                        .containsExactly(Integer.toString(Schema.APPLICATION_ID));
                assertThat(column(c, "PRAGMA journal_mode", 1)).containsExactly("wal");
                assertThat(column(c, "SELECT namespace || '|' || key || '|' || hex(value) FROM plinth_kv", 1))
                        .containsExactly("p|k|01");
            }
        }
    }

    @Test
    void pathsWithUnusualCharactersAreUsedAsGiven() {
        Path file = dir.resolve("we?ird #dir %41 é").resolve("data base?.db");
        try (SqliteStorageBackend backend = TestBackends.open(file)) {
            backend.set(Namespace.of("p"), "k", new byte[] {1}, StorageBackend.NO_EXPIRY);
        }
        assertThat(file).isRegularFile();
        try (SqliteStorageBackend backend = TestBackends.open(file)) {
            assertThat(backend.exists(Namespace.of("p"), "k")).isTrue();
        }
    }

    @Test
    void walCanBeTurnedOff() throws SQLException {
        Path file = dir.resolve("nowal.db");
        try (SqliteStorageBackend backend = TestBackends.open(file, "wal", "false", "durability", "full")) {
            backend.set(Namespace.of("p"), "k", new byte[] {1}, StorageBackend.NO_EXPIRY);
            assertThat(backend.get(Namespace.of("p"), "k")).isNotNull();
        }
        try (Connection c = raw(file)) {
            assertThat(column(c, "PRAGMA journal_mode", 1)).containsExactly("delete");
        }
    }

    private List<String> plan(Path file, String pattern, String afterKey) throws SQLException {
        KeyQuery q = KeyQuery.of(GlobPattern.compile(pattern), afterKey);
        try (Connection c = raw(file);
                PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + q.listSql())) {
            int i = q.bind(ps, 1, "notes", System.currentTimeMillis());
            ps.setLong(i, 100);
            List<String> details = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    details.add(rs.getString("detail"));
                }
            }
            return details;
        }
    }

    @Test
    void prefixListingSearchesThePrimaryKeyRangeInsteadOfScanning() throws SQLException {
        Path file = dir.resolve("plan.db");
        try (SqliteStorageBackend backend = TestBackends.open(file)) {
            for (int i = 0; i < 200; i++) {
                backend.set(Namespace.of("notes"), "user:" + i, new byte[0], i % 2 == 0 ? 0 : 60_000);
                backend.set(Namespace.of("notes"), "other:" + i, new byte[0], StorageBackend.NO_EXPIRY);
            }
        }
        assertThat(plan(file, "user:*", null))
                .containsExactly("SEARCH plinth_kv USING PRIMARY KEY (namespace=? AND key>? AND key<?)");
        assertThat(plan(file, "user:*", "user:5"))
                .containsExactly("SEARCH plinth_kv USING PRIMARY KEY (namespace=? AND key>? AND key<?)");
        assertThat(plan(file, "user:1?", null))
                .containsExactly("SEARCH plinth_kv USING PRIMARY KEY (namespace=? AND key>? AND key<?)");
        assertThat(plan(file, "user:7", null))
                .containsExactly("SEARCH plinth_kv USING PRIMARY KEY (namespace=? AND key=?)");
        assertThat(plan(file, "*", null)).containsExactly("SEARCH plinth_kv USING PRIMARY KEY (namespace=?)");
        assertThat(String.join("\n", plan(file, "*:1", null)))
                .doesNotContain("SCAN")
                .doesNotContain("TEMP B-TREE");
    }

    @Test
    void refusesANewerSchemaAndLeavesTheFileUnchanged() throws Exception {
        Path file = dir.resolve("newer.db");
        try (SqliteStorageBackend backend = TestBackends.open(file)) {
            backend.set(Namespace.of("p"), "k", new byte[] {1}, StorageBackend.NO_EXPIRY);
        }
        try (Connection c = raw(file);
                Statement st = c.createStatement()) {
            st.execute("PRAGMA journal_mode=DELETE");
            st.execute("PRAGMA user_version=" + (Schema.CURRENT + 1));
        }
        byte[] before = Files.readAllBytes(file);

        assertThatThrownBy(() -> TestBackends.open(file, "wal", "true"))
                .isInstanceOfSatisfying(
                        StorageOpenException.class,
                        e -> assertThat(e.isRetryable()).isFalse())
                .hasMessageContaining(file.toString())
                .hasMessageContaining("schema version " + (Schema.CURRENT + 1))
                .hasMessageContaining("newer");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        try (Connection c = raw(file)) {
            assertThat(column(c, "PRAGMA journal_mode", 1)).containsExactly("delete");
        }
    }

    @Test
    void refusesAFileThatIsNotASqliteDatabaseAndLeavesItUnchanged() throws Exception {
        Path file = dir.resolve("notes.txt");
        byte[] text = "These are my notes, not a database. ".repeat(200).getBytes(UTF_8);
        Files.write(file, text);
        assertThatThrownBy(() -> TestBackends.open(file))
                .isInstanceOf(DamagedDatabaseException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("not a SQLite database");
        assertThat(Files.readAllBytes(file)).isEqualTo(text);
        assertThat(dir.resolve("notes.txt-wal")).doesNotExist();

        Path tiny = dir.resolve("tiny.db");
        Files.write(tiny, new byte[] {'S', 'Q', 'L'});
        assertThatThrownBy(() -> TestBackends.open(tiny))
                .isInstanceOf(DamagedDatabaseException.class)
                .hasMessageContaining(tiny.toString());
        assertThat(Files.readAllBytes(tiny)).containsExactly('S', 'Q', 'L');
    }

    @Test
    void refusesAnotherApplicationsDatabase() throws Exception {
        Path file = dir.resolve("other-app.db");
        try (Connection c = raw(file);
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)");
        }
        byte[] before = Files.readAllBytes(file);
        assertThatThrownBy(() -> TestBackends.open(file))
                .isInstanceOf(StorageOpenException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("another application");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void aParentThatCannotBeCreatedIsReportedWithThePath() throws Exception {
        // Tests run as root, who may write anywhere: a regular file in the way is what stops even root.
        Path blocker = dir.resolve("blocker");
        Files.writeString(blocker, "a file, not a folder");
        Path file = blocker.resolve("sub/plinth.db");
        assertThatThrownBy(() -> TestBackends.open(file))
                .isInstanceOf(StorageOpenException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("cannot create folder");
        assertThat(Files.readString(blocker)).isEqualTo("a file, not a folder");

        Path directParent = blocker.resolve("plinth.db");
        assertThatThrownBy(() -> TestBackends.open(directParent))
                .isInstanceOf(StorageOpenException.class)
                .hasMessageContaining(directParent.toString());
    }

    @Test
    void aFolderAtThePathIsReported() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("folder.db"));
        assertThatThrownBy(() -> TestBackends.open(folder))
                .isInstanceOf(StorageOpenException.class)
                .hasMessageContaining(folder.toString())
                .hasMessageContaining("folder");
    }
}
