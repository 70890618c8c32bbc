package dev.plinth.provider.sqlite.internal;

import dev.plinth.api.plugin.InvalidPluginIdException;
import dev.plinth.api.storage.ChangeType;
import dev.plinth.api.storage.StorageException;
import dev.plinth.spi.storage.Namespace;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Reclaims expired keys in the background, on the runtime's scheduler, in batches, each in its own write
 * transaction, reporting {@link ChangeType#EXPIRE} for every key it deletes. Reads never depend on it:
 * they filter expired rows themselves. Also drops lapsed locks and old change-log rows, and polls for other
 * processes' changes.
 *
 * <p>Each task is short: a poll is one {@code PRAGMA data_version} when nothing changed, a sweep one batch
 * of {@value #BATCH} keys; a full batch queues the next one on the scheduler instead of looping, so the
 * polls and the runtime's own tasks run in between. A batch waits for another process's write lock at most
 * busyTimeout, like any write.
 */
final class ExpirySweeper {
    static final int BATCH = 500;

    /** The due list (see {@link Schema}); an entry may be stale, so the row itself is checked before deleting. */
    static final String SELECT_DUE =
            "SELECT namespace, key FROM plinth_expiry" + " WHERE expires_at <= ? ORDER BY expires_at LIMIT " + BATCH;

    private static final String DELETE_DUE = "DELETE FROM plinth_expiry WHERE namespace = ? AND key = ?";

    private final Writer writer;
    private final OwnedLocks ownedLocks;
    private final BackendState state;
    private final Duration interval;
    private final Duration pollInterval;
    private final ScheduledExecutorService scheduler;
    private volatile ScheduledFuture<?> sweeping;
    private volatile ScheduledFuture<?> polling;

    ExpirySweeper(
            Writer writer,
            OwnedLocks ownedLocks,
            BackendState state,
            ScheduledExecutorService scheduler,
            Duration interval,
            Duration pollInterval) {
        this.writer = writer;
        this.ownedLocks = ownedLocks;
        this.state = state;
        this.scheduler = scheduler;
        this.interval = interval;
        this.pollInterval = pollInterval;
    }

    void start() {
        long ms = Math.max(1, interval.toMillis());
        sweeping = scheduler.scheduleWithFixedDelay(this::sweepQuietly, ms, ms, TimeUnit.MILLISECONDS);
        long poll = Math.max(1, pollInterval.toMillis());
        polling = scheduler.scheduleWithFixedDelay(this::pollQuietly, poll, poll, TimeUnit.MILLISECONDS);
    }

    /**
     * Cancels the scheduled tasks. One running now is not interrupted: it ends with its write transaction,
     * which the writer's close waits for, or finds the backend closed.
     */
    void stop() {
        ScheduledFuture<?> s = sweeping;
        ScheduledFuture<?> p = polling;
        if (s != null) {
            s.cancel(false);
        }
        if (p != null) {
            p.cancel(false);
        }
    }

    private void sweepQuietly() {
        try {
            if (!state.isClosed() && oneBatch() == BATCH && !state.isClosed()) {
                // More are due: the next batch goes behind whatever else waits for the scheduler.
                scheduler.execute(this::sweepQuietly);
            }
        } catch (RejectedExecutionException e) {
            // The runtime shut its scheduler down: it closed this backend, and the next open sweeps.
        } catch (StorageException e) {
            if (!state.isClosed()) {
                // Typically another process held the write lock past busyTimeout; the next run retries.
                SqliteStorageBackend.LOG.debug("Expiry sweep skipped: {}", e.getMessage());
            }
        } catch (RuntimeException e) {
            SqliteStorageBackend.LOG.warn("Expiry sweep failed", e);
        }
    }

    private void pollQuietly() {
        try {
            writer.pollForeignChanges();
        } catch (RuntimeException e) {
            SqliteStorageBackend.LOG.warn("Reading other processes' changes failed", e);
        }
    }

    /** Reclaims every key expired by now, batch by batch, in the caller's thread (tests). */
    @SuppressWarnings("ThreadPriorityCheck") // lets writers in between batches; correctness never depends on it
    void sweep() {
        while (!state.isClosed() && oneBatch() == BATCH) {
            Thread.yield();
        }
    }

    /** @return how many due entries the batch handled; {@value #BATCH} when more may be due */
    private int oneBatch() {
        return writer.write("reclaiming expired keys", this::sweepBatch);
    }

    private int sweepBatch(WriteTx tx) throws SQLException {
        long now = tx.now();
        SqlConnection c = tx.connection();
        List<String[]> due = new ArrayList<>();
        PreparedStatement select = c.prepare(SELECT_DUE);
        select.setLong(1, now);
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                due.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        PreparedStatement dropEntry = c.prepare(DELETE_DUE);
        for (String[] row : due) {
            if (KvTable.deleteExpired(c, row[0], row[1], now)) {
                report(tx, row[0], row[1]);
            }
            // Due, so the row, if any, now has no expiry or a later one, whose entry would have replaced this.
            dropEntry.setString(1, row[0]);
            dropEntry.setString(2, row[1]);
            dropEntry.executeUpdate();
        }
        LockTable.purgeLapsed(c, now);
        SharedChangeLog.trim(c, now);
        tx.afterCommit(() -> ownedLocks.dropLapsed(now));
        return due.size();
    }

    private static void report(WriteTx tx, String ns, String key) throws SQLException {
        try {
            tx.changed(Namespace.parse(ns), ChangeType.EXPIRE, key);
        } catch (InvalidPluginIdException e) {
            // A row written by something other than Plinth: reclaim it, there is no one to tell.
            SqliteStorageBackend.LOG.debug("Reclaimed expired key in unknown namespace {}", ns);
        }
    }
}
