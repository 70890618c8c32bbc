package dev.plinth.provider.sqlite.internal;

import dev.plinth.api.storage.StorageException;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Read connections. With WAL, a reader sees the last committed state without waiting for the writer, so
 * reads run in parallel with each other and with writes. Each read borrows one connection for its
 * duration, and filters expiry against the runtime's clock read once per read.
 */
final class ReadPool {
    /** A read on one connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(SqlConnection c, long now) throws SQLException;
    }

    private final ArrayBlockingQueue<SqlConnection> idle;
    private final int size;
    private final SqliteErrors errors;
    private final BackendState state;
    private final InstantSource clock;

    ReadPool(List<SqlConnection> connections, InstantSource clock, SqliteErrors errors, BackendState state) {
        this.clock = clock;
        this.size = connections.size();
        this.idle = new ArrayBlockingQueue<>(connections.size(), false, connections);
        this.errors = errors;
        this.state = state;
    }

    <T> T read(String action, Work<T> work) {
        SqlConnection c = borrow();
        try {
            return work.run(c, clock.millis());
        } catch (SQLException e) {
            c.discardStatements();
            throw errors.translate(e, action);
        } finally {
            release(c);
        }
    }

    private SqlConnection borrow() {
        state.ensureOpen();
        SqlConnection c = idle.poll();
        try {
            while (c == null) {
                // Poll with a timeout so a reader waiting here notices close() instead of hanging.
                c = idle.poll(50, TimeUnit.MILLISECONDS);
                state.ensureOpen();
            }
        } catch (InterruptedException e) {
            // Only this call fails, before it borrowed anything; the thread keeps its interrupt status.
            Thread.currentThread().interrupt();
            throw new StorageException(
                    "Interrupted while waiting for a read connection to SQLite database " + errors.path() + " (all "
                            + size + " in use); nothing was read",
                    e);
        }
        if (state.isClosed()) {
            c.close();
            throw state.closedException();
        }
        return c;
    }

    private void release(SqlConnection c) {
        if (state.isClosed()) {
            c.close();
            return;
        }
        idle.offer(c);
        if (state.isClosed()) {
            // close() may have drained the queue before our offer: drain again so nothing leaks.
            close();
        }
    }

    /** Closes the idle connections; busy ones are closed as their reads return them. */
    void close() {
        SqlConnection c;
        while ((c = idle.poll()) != null) {
            c.close();
        }
    }
}
