package dev.plinth.provider.sqlite.internal;

import dev.plinth.api.storage.StorageOpenException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;

/**
 * The database schema and its forward migrations. The schema version lives in {@code PRAGMA user_version};
 * the file is marked as Plinth's with {@code PRAGMA application_id}. A database with a newer version, or
 * another application's database, is refused before anything is written.
 *
 * <pre>
 * plinth_kv(namespace TEXT, key TEXT, value BLOB, version INTEGER, expires_at INTEGER -- epoch ms, 0 = never)
 *     PRIMARY KEY (namespace, key) WITHOUT ROWID
 * plinth_expiry(namespace, key, expires_at) PRIMARY KEY (namespace, key) WITHOUT ROWID, index on expires_at
 *     -- since version 4: the sweeper's due list, written beside every row with an expiry
 * plinth_locks(namespace, name, token, lease_until) PRIMARY KEY (namespace, name) WITHOUT ROWID
 * plinth_changes(seq INTEGER PRIMARY KEY, origin, namespace, type, key, at)  -- since version 2
 * </pre>
 *
 * <p>Version 3 made {@code plinth_changes.seq} the version sequence (a SET's version is its change's
 * sequence number) in place of the {@code plinth_sequence} row of versions 1 and 2: a write then logs its
 * change and takes its version in one statement instead of three.
 *
 * <p>Version 4 moved the sweeper's index out of {@code plinth_kv}. With any secondary index on it, SQLite
 * reads the old row on every write to update that index, even for the keys without an expiry (most of
 * them); measured with raw JDBC, a batch of 100 puts ran about 20% slower with the old partial index.
 * {@code plinth_expiry} now lists the keys with an expiry, and {@link KvTable} writes an entry beside every
 * row it writes with one, so only those writes pay for an index. (Not triggers: an {@code AFTER INSERT}
 * trigger, even one whose {@code WHEN} is false, cost a batch of {@code INSERT OR REPLACE} about 20%.)
 * Invariant: every {@code plinth_kv} row with an expiry that Plinth wrote has an entry with that expiry. An
 * entry may outlive its row or its row's expiry (a delete, a rewrite without expiry): the sweeper checks
 * the row before deleting it and drops the entry once it is due.
 */
final class Schema {
    /** The schema version this code writes and understands. */
    static final int CURRENT = 4;
    /** The type of the change-log row that only holds the sequence's floor; never reported. */
    static final String MARK = "MARK";
    /** "PLNT": marks the file as a Plinth database. */
    static final int APPLICATION_ID = 0x504C4E54;

    /** Migration {@code i} takes the schema from version {@code i} to {@code i + 1}. */
    private static final List<List<String>> MIGRATIONS = List.of(
            List.of(
                    "CREATE TABLE plinth_kv ("
                            + " namespace TEXT NOT NULL,"
                            + " key TEXT NOT NULL,"
                            + " value BLOB NOT NULL,"
                            + " version INTEGER NOT NULL,"
                            + " expires_at INTEGER NOT NULL DEFAULT 0,"
                            + " PRIMARY KEY (namespace, key)"
                            + ") WITHOUT ROWID",
                    // Partial: only keys with an expiry are indexed, and reads' "expires_at = 0 OR ..." filter
                    // cannot be answered from it, so the planner keeps using the primary key range.
                    "CREATE INDEX plinth_kv_expiry ON plinth_kv (expires_at) WHERE expires_at > 0",
                    "CREATE TABLE plinth_sequence (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL)",
                    "INSERT INTO plinth_sequence (id, value) VALUES (1, 0)",
                    "CREATE TABLE plinth_locks ("
                            + " namespace TEXT NOT NULL,"
                            + " name TEXT NOT NULL,"
                            + " token TEXT NOT NULL,"
                            + " lease_until INTEGER NOT NULL,"
                            + " PRIMARY KEY (namespace, name)"
                            + ") WITHOUT ROWID",
                    "PRAGMA application_id=" + APPLICATION_ID),
            List.of(
                    // Version 2: the change log other processes read (CROSS_PROCESS_EVENTS). AUTOINCREMENT so
                    // sequence numbers never repeat, even after every row was trimmed.
                    "CREATE TABLE plinth_changes ("
                            + " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
                            + " origin TEXT NOT NULL,"
                            + " namespace TEXT NOT NULL,"
                            + " type TEXT NOT NULL,"
                            + " key TEXT,"
                            + " version INTEGER NOT NULL,"
                            + " at INTEGER NOT NULL"
                            + ")"),
            List.of(
                    // Version 3: versions are the change log's sequence numbers. The log drops AUTOINCREMENT,
                    // whose sqlite_sequence row cost every commit one more page: a new row's seq is the
                    // largest + 1, and the newest row is never trimmed (SharedChangeLog.trim), so numbers still
                    // never repeat. It is seeded with a MARK row above every version plinth_sequence handed
                    // out. Old log rows are dropped: a backend opening the file starts after the log anyway.
                    // Dropping plinth_sequence makes a still-running older Plinth fail its next write loudly
                    // instead of handing out versions that repeat.
                    "CREATE TABLE plinth_changes_next ("
                            + " seq INTEGER PRIMARY KEY,"
                            + " origin TEXT NOT NULL,"
                            + " namespace TEXT NOT NULL,"
                            + " type TEXT NOT NULL,"
                            + " key TEXT,"
                            + " at INTEGER NOT NULL"
                            + ")",
                    "INSERT INTO plinth_changes_next (seq, origin, namespace, type, key, at) SELECT max("
                            + "coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'plinth_changes'), 0),"
                            + " (SELECT value FROM plinth_sequence)), '', '', '" + MARK + "', NULL, 0",
                    "DROP TABLE plinth_changes",
                    "ALTER TABLE plinth_changes_next RENAME TO plinth_changes",
                    "DROP TABLE plinth_sequence"),
            List.of(
                    // Version 4: the sweeper's due list replaces the partial index on plinth_kv (see above).
                    "DROP INDEX plinth_kv_expiry",
                    "CREATE TABLE plinth_expiry ("
                            + " namespace TEXT NOT NULL,"
                            + " key TEXT NOT NULL,"
                            + " expires_at INTEGER NOT NULL,"
                            + " PRIMARY KEY (namespace, key)"
                            + ") WITHOUT ROWID",
                    "CREATE INDEX plinth_expiry_due ON plinth_expiry (expires_at)",
                    "INSERT INTO plinth_expiry (namespace, key, expires_at)"
                            + " SELECT namespace, key, expires_at FROM plinth_kv WHERE expires_at > 0"));

    private Schema() {}

    /**
     * Refuses a database this code must not touch; applies the missing migrations in one transaction.
     *
     * @param c a connection that has changed nothing yet
     * @param path the database path, for messages
     * @throws StorageOpenException when the database is newer or not Plinth's
     * @throws SQLException when SQLite fails
     */
    static void migrate(SqlConnection c, Path path) throws SQLException {
        if (check(c, path) == CURRENT) {
            return;
        }
        c.execute("BEGIN IMMEDIATE");
        boolean done = false;
        try {
            // Re-read under the write lock: another process may have migrated meanwhile.
            int version = check(c, path);
            for (int v = version; v < CURRENT; v++) {
                for (String sql : MIGRATIONS.get(v)) {
                    c.execute(sql);
                }
            }
            if (version < CURRENT) {
                c.execute("PRAGMA user_version=" + CURRENT);
            }
            c.execute("COMMIT");
            done = true;
        } finally {
            if (!done) {
                c.rollbackQuietly();
            }
        }
    }

    private static int check(SqlConnection c, Path path) throws SQLException {
        int version = (int) c.queryLong("PRAGMA user_version");
        if (version > CURRENT) {
            throw refused("SQLite database " + path + " has schema version " + version
                    + ", newer than version " + CURRENT + " that this Plinth understands; it was left unchanged. "
                    + "Upgrade Plinth or configure another plinth.storage.sqlite.path");
        }
        int appId = (int) c.queryLong("PRAGMA application_id");
        if (appId != 0 && appId != APPLICATION_ID) {
            throw refused("SQLite database " + path + " belongs to another application (application_id " + appId
                    + "); it was left unchanged. Configure another plinth.storage.sqlite.path");
        }
        if (version == 0 && appId == 0 && hasTables(c)) {
            throw refused("SQLite database " + path + " already holds tables of another application; "
                    + "it was left unchanged. Configure another plinth.storage.sqlite.path");
        }
        return version;
    }

    private static StorageOpenException refused(String problem) {
        return new StorageOpenException(SqliteErrors.PROVIDER, problem, null, false);
    }

    private static boolean hasTables(SqlConnection c) throws SQLException {
        return c.queryLong("SELECT count(*) FROM sqlite_schema") > 0;
    }
}
