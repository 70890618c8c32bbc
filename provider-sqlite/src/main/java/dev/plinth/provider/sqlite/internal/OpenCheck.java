package dev.plinth.provider.sqlite.internal;

import dev.plinth.provider.sqlite.DamagedDatabaseException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * SQLite's own check of an existing database when a backend opens it ({@code checkAtOpen}), so that damage
 * fails the open with a {@link DamagedDatabaseException} naming the file and what was found, instead of
 * surfacing at some later read, and before anything (schema migration, journal mode, a write) touches the
 * file.
 *
 * <p>The check runs on a read-only connection: whatever it finds, it has changed nothing, since a read-only
 * connection never checkpoints or deletes the WAL when it closes. The one thing such a connection cannot read
 * is a file with a hot rollback journal (a crash mid-transaction with {@code wal=false}); rolling it back is
 * SQLite's crash recovery, which restores the last committed state, so the check then runs on the writer
 * connection, right after that recovery and before anything else.
 */
final class OpenCheck {
    /** Problems SQLite reports at most; the message quotes the first {@link #QUOTED}. */
    static final int MAX_PROBLEMS = 10;

    private static final int QUOTED = 3;

    private OpenCheck() {}

    /**
     * Checks the file on a read-only connection.
     *
     * @return {@code true} when checked (and sound); {@code false} when the file needs the writer's crash
     *     recovery first: then call {@link #run} on the writer connection before anything else
     * @throws DamagedDatabaseException when damage was found
     * @throws dev.plinth.api.storage.StorageOpenException when the check could not run
     */
    static boolean beforeWriting(
            Path path, ConnectionFactory factory, SqliteOptions.CheckAtOpen mode, int busyTimeoutMillis) {
        SqlConnection c = null;
        try {
            c = factory.openReadOnly();
            run(c, path, mode);
            return true;
        } catch (SQLException e) {
            if (SqliteErrors.primaryCode(e) == SqliteErrors.READONLY) {
                // SQLITE_READONLY_ROLLBACK: a hot journal that only a writer may roll back.
                return false;
            }
            throw SqliteErrors.openFailure(path, busyTimeoutMillis, e);
        } finally {
            if (c != null) {
                c.close();
            }
        }
    }

    /**
     * Runs the check on {@code c}.
     *
     * @throws DamagedDatabaseException when damage was found
     * @throws SQLException when SQLite fails, damage included (SQLITE_CORRUPT, SQLITE_NOTADB)
     */
    static void run(SqlConnection c, Path path, SqliteOptions.CheckAtOpen mode) throws SQLException {
        if (mode == SqliteOptions.CheckAtOpen.OFF) {
            // What any open reads: the header and the schema.
            c.queryLong("SELECT count(*) FROM sqlite_schema");
            return;
        }
        String pragma = mode == SqliteOptions.CheckAtOpen.FULL ? "integrity_check" : "quick_check";
        long started = System.nanoTime();
        List<String> found = new ArrayList<>();
        try {
            c.queryStrings("PRAGMA " + pragma + "(" + MAX_PROBLEMS + ")", found);
        } catch (SQLException e) {
            int code = SqliteErrors.primaryCode(e);
            if (code != SqliteErrors.CORRUPT && code != SqliteErrors.NOTADB) {
                throw e;
            }
            // After listing what the b-tree check found, the check reads every row; a row on a damaged page
            // ends the statement with this error instead of one more line.
            found.remove("ok");
            found.add("stopped by " + e.getMessage());
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        found = lines(found);
        if (found.equals(List.of("ok"))) {
            SqliteStorageBackend.LOG.info(
                    "Checked SQLite database {} at open (PRAGMA {}): ok, {} pages in {} ms",
                    path,
                    pragma,
                    c.queryLong("PRAGMA page_count"),
                    millis);
            return;
        }
        List<String> problems = found.isEmpty() ? List.of("PRAGMA " + pragma + " returned nothing") : found;
        String count = (problems.size() >= MAX_PROBLEMS ? "at least " : "") + problems.size() + " problem"
                + (problems.size() == 1 ? "" : "s");
        throw new DamagedDatabaseException(
                path,
                "SQLite database " + path + " is damaged: PRAGMA " + pragma
                        + " found " + count + ", first: "
                        + String.join("; ", problems.subList(0, Math.min(QUOTED, problems.size())))
                        + ". It was left unchanged. " + SqliteErrors.DAMAGED_ADVICE
                        + " (checkAtOpen=off skips this check; reads and writes may then fail or spread the damage)",
                problems,
                null);
    }

    /** @return one problem per line, without the "*** in database main ***" heading */
    static List<String> lines(List<String> rows) {
        List<String> out = new ArrayList<>();
        for (String row : rows) {
            for (String line : (row == null ? "" : row).split("\n", -1)) {
                String t = line.trim();
                if (!t.isEmpty() && !t.startsWith("*** in database ")) {
                    out.add(t);
                }
            }
        }
        return out;
    }
}
