package dev.plinth.provider.sqlite.internal;

import dev.plinth.spi.storage.ChangeListener;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one write connection, with group commit. A writer enqueues its operation and tries the writer lock;
 * whoever gets it (the leader) runs every queued operation in one {@code BEGIN IMMEDIATE} transaction,
 * commits once and acknowledges them all; if one of them fails (a quota, a counter that is not one), the
 * transaction rolls back and each runs again in a transaction of its own, so it fails alone. The other
 * writers park until the leader marks their operation done and wakes them; when the leader lets go of the
 * lock it wakes the oldest waiting writer to lead the next group. With one writer at a time this is a plain
 * transaction per operation; under contention it saves commits (and, with {@code durability=full}, fsyncs).
 *
 * <p>{@code BEGIN IMMEDIATE} also excludes writers of other processes (waiting up to busyTimeout). Changes
 * are reported after COMMIT and before the lock is released, so they reach the listener in commit order.
 */
final class Writer {
    /** Most operations committed together, to bound how long one transaction holds the database. */
    static final int MAX_GROUP = 128;

    private static final long FOLLOWER_PARK_NANOS = 10_000_000L;
    /** Yields of a waiting writer before it parks; about one commit's time when the CPU is free. */
    private static final int FOLLOWER_YIELDS = 100;

    /** A unit of work inside one write transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(WriteTx tx) throws SQLException;
    }

    private final ReentrantLock lock = new ReentrantLock();
    /** Transactions committed, for tests and diagnostics; written under the lock. */
    private volatile long commits;
    /** Operations those transactions committed (a group counts each of its operations); written under the lock. */
    private volatile long committedOperations;
    /** Time spent in COMMIT (the fsync, with durability=full), in nanoseconds; written under the lock. */
    private volatile long commitNanos;

    private final ConcurrentLinkedQueue<WriteRequest<?>> queue = new ConcurrentLinkedQueue<>();
    private final List<WriteRequest<?>> group = new ArrayList<>(MAX_GROUP);
    private final SqlConnection connection;
    private final WriteTx tx;
    private final ChangeListener listener;
    private final SqliteErrors errors;
    private final BackendState state;
    private final ChangeLog changeLog;
    private final InstantSource clock;

    Writer(
            SqlConnection connection,
            ChangeLog changeLog,
            ChangeListener listener,
            InstantSource clock,
            SqliteErrors errors,
            BackendState state) {
        this.connection = connection;
        this.changeLog = changeLog;
        this.tx = new WriteTx(connection, changeLog);
        this.listener = listener;
        this.clock = clock;
        this.errors = errors;
        this.state = state;
    }

    /**
     * Runs {@code work} in a write transaction: all of it commits, or (on any exception) none of it.
     *
     * @param action what is being done, for error messages
     * @param work the work
     * @param <T> its result
     * @return the work's result, once committed
     */
    <T> T write(String action, Work<T> work) {
        return write(action, null, work);
    }

    /**
     * Like {@link #write(String, Work)}, first trying {@code oneStatement} when the operation runs alone
     * (nobody queued with it): outside any transaction, so SQLite commits its one statement by itself, which
     * costs less than {@code BEGIN IMMEDIATE} ... {@code COMMIT}. Only for an exclusive file: the statement
     * takes the write lock only when it writes, and no other process may write in between.
     *
     * @param oneStatement changes the database with at most one statement (a change log that writes rows
     *     must not be used); returns {@code null}, having changed nothing, when {@code work} must run instead
     * @param work the whole operation, run in a transaction when grouped or when {@code oneStatement} gave up
     */
    <T> T write(String action, Work<T> oneStatement, Work<T> work) {
        state.ensureOpen();
        WriteRequest<T> request = new WriteRequest<>(action, oneStatement, work);
        queue.add(request);
        await(request);
        return request.outcome();
    }

    /**
     * Leads groups or follows until {@code request} is done. Not interruptible: once queued, the operation
     * may already be running in a leader's transaction, so it is seen through (a wait bounded by
     * busyTimeout) rather than abandoned with an unknown outcome. An interrupt that arrives meanwhile is
     * kept for the caller: its thread is interrupted again on return.
     */
    @SuppressWarnings(
            "ThreadPriorityCheck") // the followers' yield is measured, see below; never needed for correctness
    private void await(WriteRequest<?> request) {
        boolean interrupted = false;
        try {
            while (!request.done) {
                if (lock.tryLock()) {
                    try {
                        // Usually one round: our request is in the first group unless MAX_GROUP queued ahead.
                        while (!request.done) {
                            if (state.isClosed()) {
                                failQueued(state.closedException());
                            } else {
                                runGroup();
                            }
                        }
                    } finally {
                        unlockAndHandOn();
                    }
                } else {
                    // Followers wait on their own request, not on the lock: a leader wakes each owner it served,
                    // so a group of N does not become a convoy of N lock hand-offs. They yield a while before
                    // parking: a commit takes microseconds, and a parked thread's wake-up costs about as much,
                    // during which it cannot queue its next write to join a group. The park timeout only
                    // bounds a missed wake-up.
                    for (int i = 0; i < FOLLOWER_YIELDS && !request.done && lock.isLocked(); i++) {
                        Thread.yield();
                    }
                    if (!request.done && lock.isLocked()) {
                        LockSupport.parkNanos(this, FOLLOWER_PARK_NANOS);
                        // A pending interrupt makes every park return at once, which would turn the wait into a
                        // spin that takes the CPU from the leader; keep it aside until the call is done.
                        interrupted |= Thread.interrupted();
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Releases the writer lock and wakes the owner of the oldest waiting request to lead the next group. */
    private void unlockAndHandOn() {
        lock.unlock();
        WriteRequest<?> next = queue.peek();
        if (next != null) {
            LockSupport.unpark(next.owner);
        }
    }

    private static void finished(WriteRequest<?> request) {
        request.done = true;
        if (request.owner != Thread.currentThread()) {
            LockSupport.unpark(request.owner);
        }
    }

    private void failQueued(RuntimeException e) {
        WriteRequest<?> r;
        while ((r = queue.poll()) != null) {
            r.failure = e;
            finished(r);
        }
    }

    private void runGroup() {
        WriteRequest<?> r;
        while (group.size() < MAX_GROUP && (r = queue.poll()) != null) {
            group.add(r);
        }
        try {
            if (group.size() == 1) {
                runAlone(group.get(0));
            } else {
                runTogether();
            }
        } finally {
            for (WriteRequest<?> done : group) {
                finished(done);
            }
            group.clear();
        }
    }

    /** One operation: its one statement if it has one and that suffices, else its own transaction. */
    private void runAlone(WriteRequest<?> request) {
        if (request.oneStatement != null && runAsOneStatement(request)) {
            return;
        }
        boolean committed = false;
        try {
            connection.beginImmediate();
            tx.begin(clock.millis());
            request.run(tx);
            commitAndPublish(1);
            committed = true;
        } catch (SQLException e) {
            connection.discardStatements();
            request.failure = errors.translate(e, request.action);
        } catch (RuntimeException | Error e) {
            request.failure = e;
        } finally {
            finish(committed);
        }
    }

    /** @return {@code true} when the request is done (succeeded or failed), {@code false} to run it in a transaction */
    private boolean runAsOneStatement(WriteRequest<?> request) {
        boolean done = false;
        boolean succeeded = false;
        try {
            tx.begin(clock.millis());
            if (request.runOneStatement(tx)) {
                published(1);
                succeeded = true;
                done = true;
            }
        } catch (SQLException e) {
            // SQLite rolled the failed statement back.
            connection.discardStatements();
            request.failure = errors.translate(e, request.action);
            done = true;
        } catch (RuntimeException | Error e) {
            request.failure = e;
            done = true;
        } finally {
            if (!succeeded) {
                request.result = null;
                changeLog.abort();
            }
            tx.reset();
        }
        return done;
    }

    /**
     * Several operations: one transaction, one commit, no savepoints (each would cost two statements per
     * operation). Operations rarely fail (a quota, a counter that is not one, an I/O error); when one does,
     * the whole transaction rolls back and each operation runs again alone, so only the failing one fails.
     * Operations are functions of the database state, so running one again after a rollback is safe.
     */
    private void runTogether() {
        boolean committed = false;
        boolean started = false;
        try {
            connection.beginImmediate();
            started = true;
            tx.begin(clock.millis());
            for (WriteRequest<?> request : group) {
                request.run(tx);
            }
            commitAndPublish(group.size());
            committed = true;
        } catch (SQLException | RuntimeException e) {
            if (e instanceof SQLException) {
                connection.discardStatements();
            }
            if (!started) {
                // BEGIN failed (busy beyond busyTimeout, I/O): running each alone would wait again per operation.
                RuntimeException failure = e instanceof SQLException
                        ? errors.translate((SQLException) e, group.get(0).action)
                        : (RuntimeException) e;
                for (WriteRequest<?> request : group) {
                    request.failure = failure;
                }
            }
        } catch (Error e) {
            for (WriteRequest<?> request : group) {
                request.failure = e;
            }
        } finally {
            finish(committed);
        }
        if (!committed && started && group.get(0).failure == null) {
            for (WriteRequest<?> request : group) {
                request.result = null;
                runAlone(request);
            }
        }
    }

    @SuppressWarnings("NonAtomicVolatileUpdate") // only the writer holding the write lock updates it
    private void commitAndPublish(int operations) throws SQLException {
        List<Change> changes = tx.changes();
        if (!changes.isEmpty()) {
            changeLog.beforeCommit(connection, changes.get(0).seq());
        }
        long started = System.nanoTime();
        connection.commit();
        commitNanos += System.nanoTime() - started;
        published(operations);
    }

    /** After the commit: reports the changes (foreign ones first) in commit order and runs after-commit actions. */
    @SuppressWarnings("NonAtomicVolatileUpdate") // only the writer holding the write lock updates it; readers only read
    private void published(int operations) {
        List<Change> changes = tx.changes();
        commits++;
        committedOperations += operations;
        // First: the numbers are taken for good now, so nothing that fails below may make abort() reuse them.
        if (!changes.isEmpty()) {
            changeLog.committed(changes.get(changes.size() - 1).seq());
        }
        changeLog.publishForeign(listener);
        tx.publish(listener);
        tx.runAfterCommit();
    }

    private void finish(boolean committed) {
        if (!committed) {
            connection.rollbackQuietly();
            changeLog.abort();
        }
        tx.reset();
    }

    /** @return write transactions committed so far (diagnostics and tests) */
    long commits() {
        return commits;
    }

    /** @return operations committed so far: over {@link #commits()}, the mean group-commit batch */
    long committedOperations() {
        return committedOperations;
    }

    /** @return nanoseconds spent in COMMIT so far */
    long commitNanos() {
        return commitNanos;
    }

    /** @return operations waiting for the writer (diagnostics and tests) */
    int queued() {
        return queue.size();
    }

    /** Tests hold the writer lock to make operations queue up and commit as one group. */
    ReentrantLock lockForTests() {
        return lock;
    }

    /** Reports changes other processes committed since the last look; skipped when a write is running. */
    void pollForeignChanges() {
        if (state.isClosed() || !lock.tryLock()) {
            return; // a writer holds the lock and will report them itself with its own changes
        }
        try {
            if (!state.isClosed()) {
                changeLog.poll(connection, listener);
            }
        } catch (SQLException e) {
            connection.discardStatements();
            if (!state.isClosed()) {
                SqliteStorageBackend.LOG.debug("Reading other processes' changes failed: {}", e.getMessage());
            }
        } finally {
            unlockAndHandOn();
        }
    }

    /**
     * Closes the connection once the transaction in progress (if any) ends. A transaction waits for other
     * processes at most busyTimeout, so the wait is bounded; past it the connection is closed anyway and
     * the late operation fails with StoreClosedException.
     */
    void close(long waitMillis) {
        boolean held = false;
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        // An interrupted closer waits all the same: closing under a transaction in progress would fail an
        // operation that was about to commit.
        while (true) {
            try {
                held = lock.tryLock(Math.max(0L, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        try {
            connection.close();
        } finally {
            if (held) {
                failQueued(state.closedException());
                unlockAndHandOn();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
