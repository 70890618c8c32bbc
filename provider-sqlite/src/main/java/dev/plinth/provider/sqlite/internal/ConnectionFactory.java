package dev.plinth.provider.sqlite.internal;

import java.nio.file.Path;
import java.sql.SQLException;
import org.sqlite.SQLiteConfig;

/**
 * Opens connections to the database file. Pragmas that change the file (journal mode) are applied only
 * after the schema version was checked, so a database from a newer Plinth is never modified.
 */
final class ConnectionFactory {
    private final Path path;
    private final SqliteSettings settings;
    private final String url;

    ConnectionFactory(Path path, SqliteSettings settings) {
        this.path = path;
        this.settings = settings;
        this.url = "jdbc:sqlite:" + path;
    }

    /** @return a connection with only the busy timeout set; changes nothing in the file */
    SqlConnection openPlain() throws SQLException {
        return new SqlConnection(config(false).createConnection(url));
    }

    /** @return {@link #openPlain()} on another file: the temporary file a new database is built in */
    SqlConnection openPlainAt(Path file) throws SQLException {
        return new SqlConnection(config(false).createConnection("jdbc:sqlite:" + file));
    }

    /**
     * @return a connection that cannot write: it never rolls back a hot journal, and closing it never
     *     checkpoints the WAL into the file or deletes the WAL, which a read-write connection does when it is
     *     the last one to close; so checking a file with it changes nothing, whatever it finds
     */
    SqlConnection openReadOnly() throws SQLException {
        return new SqlConnection(config(true).createConnection(url));
    }

    private SQLiteConfig config(boolean readOnly) {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(settings.busyTimeoutMillis());
        // Otherwise the driver runs an extra "SELECT last_insert_rowid()" after every INSERT; versions come
        // from RETURNING instead (see SharedChangeLog).
        config.setGetGeneratedKeys(false);
        if (readOnly) {
            config.setReadOnly(true);
        }
        return config;
    }

    /** Applies the journal mode to the file; done once, by the writer connection, after the schema check. */
    void applyJournalMode(SqlConnection writer) throws SQLException {
        String wanted = settings.wal() ? "wal" : "delete";
        String mode = writer.queryString("PRAGMA journal_mode=" + wanted);
        if (mode == null || !mode.equalsIgnoreCase(wanted)) {
            // Leaving WAL needs every other connection closed; another process may still have the file open.
            SqliteStorageBackend.LOG.warn(
                    "SQLite database {} kept journal_mode={} (wanted {}): another " + "process probably has it open",
                    path,
                    mode,
                    wanted);
        }
    }

    /** Sets per-connection durability and housekeeping pragmas. */
    void applyConnectionPragmas(SqlConnection c, boolean reader) throws SQLException {
        c.execute("PRAGMA synchronous=" + (settings.durability() == SqliteOptions.Durability.FULL ? "FULL" : "NORMAL"));
        if (reader) {
            c.execute("PRAGMA query_only=1");
        }
    }

    /** @return a writer connection, ready for BEGIN IMMEDIATE */
    SqlConnection openWriter() throws SQLException {
        SqlConnection c = openPlain();
        try {
            applyConnectionPragmas(c, false);
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** @return a read-only connection for the read pool */
    SqlConnection openReader() throws SQLException {
        SqlConnection c = openPlain();
        try {
            applyConnectionPragmas(c, true);
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }
}
