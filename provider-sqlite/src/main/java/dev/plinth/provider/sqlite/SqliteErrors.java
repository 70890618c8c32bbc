package dev.plinth.provider.sqlite;

import dev.plinth.api.storage.BackendUnavailableException;
import dev.plinth.api.storage.StorageException;
import dev.plinth.api.storage.StoreClosedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import org.sqlite.SQLiteException;

/** Turns JDBC failures into the storage exceptions of the contract, naming the database path. */
final class SqliteErrors {
    private static final int BUSY = 5;
    private static final int LOCKED = 6;
    private static final int NOMEM = 7;
    private static final int READONLY = 8;
    private static final int IOERR = 10;
    private static final int CORRUPT = 11;
    private static final int FULL = 13;
    private static final int CANTOPEN = 14;
    private static final int NOTADB = 26;

    private final Path path;
    private final int busyTimeoutMillis;
    private final BackendState state;

    SqliteErrors(Path path, int busyTimeoutMillis, BackendState state) {
        this.path = path;
        this.busyTimeoutMillis = busyTimeoutMillis;
        this.state = state;
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
                return new BackendUnavailableException(where + " stayed locked by another connection or process "
                        + "for longer than busyTimeout (" + busyTimeoutMillis + " ms) while " + action, e);
            case FULL:
                // Retryable like any outage: SQLite rolled the statement or transaction back, and the same
                // connection writes again once there is room (no reopen).
                return new BackendUnavailableException(where + ": disk full while " + action + " (SQLITE_FULL"
                        + freeSpace(path) + "); nothing was written. Free space on that file system; this backend "
                        + "writes again by itself once there is room", e);
            case IOERR:
                return new BackendUnavailableException(where + ": I/O error while " + action + freeSpace(path) + ": "
                        + e.getMessage(), e);
            case CANTOPEN:
            case NOMEM:
                return new BackendUnavailableException(where + " is unavailable while " + action + ": "
                        + e.getMessage(), e);
            case READONLY:
                return new StorageException(where + " is read-only (file, folder or file system) while " + action
                        + ": " + e.getMessage(), e);
            case NOTADB:
                return new StorageException(where + " is not a SQLite database (left unchanged) while " + action, e);
            case CORRUPT:
                return new StorageException(where + " is corrupt while " + action + ": " + e.getMessage(), e);
            default:
                return new StorageException(where + " failed while " + action + ": " + e.getMessage(), e);
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
