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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Reclaims expired keys in the background (a daemon thread), in batches, each in its own write
 * transaction, reporting {@link ChangeType#EXPIRE} for every key it deletes. Reads never depend on it:
 * they filter expired rows themselves. Also drops lapsed locks and old change-log rows, and (on the same
 * thread) polls for other processes' changes.
 */
final class ExpirySweeper {
    static final int BATCH = 500;

    /** The due list (see {@link Schema}); an entry may be stale, so the row itself is checked before deleting. */
    static final String SELECT_DUE = "SELECT namespace, key FROM plinth_expiry"
            + " WHERE expires_at <= ? ORDER BY expires_at LIMIT " + BATCH;
    private static final String DELETE_DUE = "DELETE FROM plinth_expiry WHERE namespace = ? AND key = ?";

    private final Writer writer;
    private final OwnedLocks ownedLocks;
    private final BackendState state;
    private final Duration interval;
    private final Duration pollInterval;
    private ScheduledExecutorService executor;

    ExpirySweeper(Writer writer, OwnedLocks ownedLocks, BackendState state, Duration interval,
            Duration pollInterval) {
        this.writer = writer;
        this.ownedLocks = ownedLocks;
        this.state = state;
        this.interval = interval;
        this.pollInterval = pollInterval;
    }

    void start(String threadName) {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(1, interval.toMillis());
        executor.scheduleWithFixedDelay(this::sweepQuietly, ms, ms, TimeUnit.MILLISECONDS);
        long poll = Math.max(1, pollInterval.toMillis());
        executor.scheduleWithFixedDelay(this::pollQuietly, poll, poll, TimeUnit.MILLISECONDS);
    }

    /** Stops the thread, letting a batch in progress finish (bounded by busyTimeout). */
    void stop(long waitMillis) {
        if (executor == null) {
            return;
        }
        executor.shutdown();
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        // Waits even when the closing thread is interrupted: the batch in progress then commits, rather than
        // meeting a closed connection.
        while (true) {
            try {
                if (!executor.awaitTermination(Math.max(0L, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    executor.shutdownNow();
                }
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void sweepQuietly() {
        try {
            sweep();
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

    /** Reclaims every key expired by now, batch by batch. */
    void sweep() {
        while (!state.isClosed() && writer.write("reclaiming expired keys", this::sweepBatch) == BATCH) {
            Thread.yield();
        }
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
