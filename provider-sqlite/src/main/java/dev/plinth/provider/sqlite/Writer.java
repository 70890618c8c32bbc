package dev.plinth.provider.sqlite;

import dev.plinth.spi.storage.ChangeListener;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one write connection. Writers of this process are serialised here in Java (SQLite allows one writer
 * at a time anyway, and waiting on a Java lock is cheaper and fairer than busy retries); each unit of work
 * runs in its own {@code BEGIN IMMEDIATE} transaction, which also excludes writers of other processes.
 * Changes are reported after COMMIT and before the lock is released, so they reach the listener in commit
 * order.
 */
final class Writer {
    /** A unit of work inside one write transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(WriteTx tx) throws SQLException;
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final SqlConnection connection;
    private final WriteTx tx;
    private final ChangeListener listener;
    private final SqliteErrors errors;
    private final BackendState state;
    private final ChangeFeed feed;

    Writer(SqlConnection connection, ChangeFeed feed, ChangeListener listener, SqliteErrors errors,
            BackendState state) {
        this.connection = connection;
        this.feed = feed;
        this.tx = new WriteTx(connection);
        this.listener = listener;
        this.errors = errors;
        this.state = state;
    }

    /**
     * Runs {@code work} in one transaction: all of it commits, or (on any exception) none of it.
     *
     * @param action what is being done, for error messages
     * @param work the work
     * @param <T> its result
     * @return the work's result, once committed
     */
    <T> T write(String action, Work<T> work) {
        state.ensureOpen();
        lock.lock();
        try {
            state.ensureOpen();
            return runLocked(action, work);
        } finally {
            lock.unlock();
        }
    }

    private <T> T runLocked(String action, Work<T> work) {
        boolean committed = false;
        try {
            connection.beginImmediate();
            tx.begin(System.currentTimeMillis());
            T result = work.run(tx);
            tx.flush();
            if (!tx.changes().isEmpty()) {
                feed.append(connection, tx.changes(), tx.now());
            }
            connection.commit();
            committed = true;
            feed.publishForeign(listener);
            tx.publish(listener);
            feed.committed();
            tx.runAfterCommit();
            return result;
        } catch (SQLException e) {
            throw errors.translate(e, action);
        } finally {
            if (!committed) {
                connection.rollbackQuietly();
                feed.abort();
            }
            tx.reset();
        }
    }

    /** Reports changes other processes committed since the last look; skipped when a write is running. */
    void pollForeignChanges() {
        if (state.isClosed() || !lock.tryLock()) {
            return; // a writer holds the lock and will report them itself with its own changes
        }
        try {
            if (!state.isClosed()) {
                feed.poll(connection, listener);
            }
        } catch (SQLException e) {
            if (!state.isClosed()) {
                SqliteStorageBackend.LOG.debug("Reading other processes' changes failed: {}", e.getMessage());
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes the connection once the transaction in progress (if any) ends. A transaction waits for other
     * processes at most busyTimeout, so the wait is bounded; past it the connection is closed anyway and
     * the late operation fails with StoreClosedException.
     */
    void close(long waitMillis) {
        boolean held = false;
        try {
            held = lock.tryLock(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            connection.close();
        } finally {
            if (held) {
                lock.unlock();
            }
        }
    }
}
