package dev.plinth.provider.sqlite.internal;

import dev.plinth.api.storage.BackendUnavailableException;
import dev.plinth.api.storage.StorageException;
import dev.plinth.api.storage.StorageOpenException;
import dev.plinth.api.storage.StoreClosedException;
import dev.plinth.provider.sqlite.DamagedDatabaseException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.sqlite.SQLiteException;

/** Turns JDBC failures into the storage exceptions of the contract, naming the database path. */
final class SqliteErrors {
    private static final int BUSY = 5;
    private static final int LOCKED = 6;
    private static final int NOMEM = 7;
    static final int READONLY = 8;
    private static final int IOERR = 10;
    static final int CORRUPT = 11;
    private static final int FULL = 13;
    private static final int CANTOPEN = 14;
    static final int NOTADB = 26;

    /** The provider id, for {@link StorageOpenException}. */
    static final String PROVIDER = "sqlite";
    /** What an operator can do about a damaged file; the same words in every such message. */
    static final String DAMAGED_ADVICE = "Restore it (with its -wal file, if any) from a backup, or salvage what "
            + "is readable with the sqlite3 shell's .recover into a new file, or point plinth.storage.sqlite.path at "
            + "a new file";

    private final Path path;
    private final int busyTimeoutMillis;
    private final BackendState state;

    SqliteErrors(Path path, int busyTimeoutMillis, BackendState state) {
        this.path = path;
        this.busyTimeoutMillis = busyTimeoutMillis;
        this.state = state;
    }

    /** @return the database file */
    Path path() {
        return path;
    }

    /**
     * @param e the JDBC failure
     * @param action what was being done, for the message
     * @return the exception to throw
     */
    StorageException translate(SQLException e, String action) {
        if (state != null && state.isClosed()) {
            StoreClosedException closed = state.closedException();
            closed.initCause(e);
            return closed;
        }
        return translate(path, busyTimeoutMillis, e, action);
    }

    static StorageException translate(Path path, int busyTimeoutMillis, SQLException e, String action) {
        int code = primaryCode(e);
        String where = "SQLite database " + path;
        switch (code) {
            case BUSY:
            case LOCKED:
                return new BackendUnavailableException(
                        where + " stayed locked by another connection or process " + "for longer than busyTimeout ("
                                + busyTimeoutMillis + " ms) while " + action,
                        e);
            case FULL:
                // Retryable like any outage: SQLite rolled the statement or transaction back, and the same
                // connection writes again once there is room (no reopen).
                return new BackendUnavailableException(
                        where + ": disk full while " + action + " (SQLITE_FULL"
                                + freeSpace(path)
                                + "); nothing was written. Free space on that file system; this backend "
                                + "writes again by itself once there is room",
                        e);
            case IOERR:
                return new BackendUnavailableException(
                        where + ": I/O error while " + action + freeSpace(path) + ": " + e.getMessage(), e);
            case CANTOPEN:
            case NOMEM:
                return new BackendUnavailableException(
                        where + " is unavailable while " + action + ": " + e.getMessage(), e);
            case READONLY:
                return new StorageException(
                        where + " is read-only (file, folder or file system) while " + action + ": " + e.getMessage(),
                        e);
            case NOTADB:
                return new StorageException(where + " is not a SQLite database (left unchanged) while " + action, e);
            case CORRUPT:
                return new StorageException(where + " is corrupt while " + action + ": " + e.getMessage(), e);
            default:
                return new StorageException(where + " failed while " + action + ": " + e.getMessage(), e);
        }
    }

    /**
     * Translates a failure while opening: every one is a {@link StorageOpenException} naming the file, built
     * once from SQLite's error (never a storage exception wrapped again), retryable where waiting may help
     * (locked by another process, a full disk, an I/O error).
     *
     * @param path the database file
     * @param busyTimeoutMillis the configured busy timeout, for the message
     * @param e SQLite's error
     * @return the exception to throw
     */
    static StorageOpenException openFailure(Path path, int busyTimeoutMillis, SQLException e) {
        String where = "SQLite database " + path;
        switch (primaryCode(e)) {
            case BUSY:
            case LOCKED:
                return new StorageOpenException(
                        PROVIDER,
                        where + " stayed locked by another process for longer than " + "busyTimeout ("
                                + busyTimeoutMillis + " ms); open again once it lets go",
                        e,
                        true);
            case FULL:
                return new StorageOpenException(
                        PROVIDER,
                        where + ": disk full (SQLITE_FULL" + freeSpace(path)
                                + "); free space on that file system and open again",
                        e,
                        true);
            case IOERR:
                return new StorageOpenException(
                        PROVIDER, where + ": I/O error" + freeSpace(path) + ": " + e.getMessage(), e, true);
            case NOMEM:
                return new StorageOpenException(
                        PROVIDER, where + ": SQLite ran out of memory: " + e.getMessage(), e, true);
            case READONLY:
                return new StorageOpenException(
                        PROVIDER, where + " is read-only (file, folder or file system): " + e.getMessage(), e, false);
            case CANTOPEN:
                return new StorageOpenException(
                        PROVIDER,
                        where + " cannot be opened (missing folder or permissions?): " + e.getMessage(),
                        e,
                        false);
            case NOTADB:
                return new DamagedDatabaseException(
                        path,
                        where + " is not a SQLite database (SQLITE_NOTADB: its "
                                + "header "
                                + "is not SQLite's); it was left unchanged. " + DAMAGED_ADVICE,
                        List.of(e.getMessage()),
                        e);
            case CORRUPT:
                return new DamagedDatabaseException(
                        path,
                        where + " is damaged (SQLITE_CORRUPT: " + e.getMessage() + "); it was left unchanged. "
                                + DAMAGED_ADVICE,
                        List.of(e.getMessage()),
                        e);
            default:
                return new StorageOpenException(PROVIDER, where + ": " + e.getMessage(), e, false);
        }
    }

    /**
     * @return how much room the database's file system has left, for a message; empty when unknown. A
     *     write error on a file system with no room left is a full disk whatever SQLite called it.
     */
    private static String freeSpace(Path path) {
        try {
            Path dir = path.getParent() == null ? path : path.getParent();
            return "; " + Files.getFileStore(dir).getUsableSpace() + " bytes free on its file system";
        } catch (IOException | RuntimeException unknown) {
            return "";
        }
    }

    /** @return SQLite's primary result code (extended codes carry it in their low byte) */
    static int primaryCode(SQLException e) {
        if (e instanceof SQLiteException) {
            return ((SQLiteException) e).getResultCode().code & 0xff;
        }
        return e.getErrorCode() & 0xff;
    }
}
