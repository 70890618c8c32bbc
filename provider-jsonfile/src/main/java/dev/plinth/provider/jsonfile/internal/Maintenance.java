package dev.plinth.provider.jsonfile.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's own background thread, for the work that waits on the disk and so must not run on the
 * runtime's shared scheduler: compaction once the journal passes {@code compactionThreshold}, the batched
 * fsync ({@link BatchedFlush}) and the repairs, retried every second until the disk fsyncs again: after a
 * failed fsync of the journal, rewriting all data to new files; after a failed fsync of the folder behind
 * a manifest already in place, writing that manifest again ({@link Compactor#resync}). One thread runs
 * them one at a time. Thread-safe.
 */
final class Maintenance {
    private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);
    private static final long AWAIT_SECONDS = 60;
    /** The pause between attempts to rewrite the data after a failed fsync. */
    private static final long REPAIR_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Path directory;
    private final Compactor compactor;
    private final Journal journal;
    private final WriteLock writeLock;
    private final Lifecycle lifecycle;
    private final EventQueue events;
    private final WriteDurability durability;
    private final long compactionThreshold;
    private final ScheduledThreadPoolExecutor thread;
    /** Guarded by the write lock. */
    private boolean compactionQueued;
    /** A repair after a failed fsync is scheduled or running. */
    private final AtomicBoolean repairPending = new AtomicBoolean();
    /** When the last repair attempt started (monotonic clock). */
    private volatile long lastRepairNanos = System.nanoTime() - REPAIR_RETRY_NANOS;

    Maintenance(
            Path directory,
            Compactor compactor,
            Journal journal,
            WriteLock writeLock,
            Lifecycle lifecycle,
            EventQueue events,
            WriteDurability durability,
            long compactionThreshold) {
        this.directory = directory;
        this.compactor = compactor;
        this.journal = journal;
        this.writeLock = writeLock;
        this.lifecycle = lifecycle;
        this.events = events;
        this.durability = durability;
        this.compactionThreshold = compactionThreshold;
        this.thread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "plinth-jsonfile-" + directory.getFileName());
            t.setDaemon(true);
            return t;
        });
        thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        thread.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
    }

    /** Runs {@code task} every {@code period} until {@link #close}. */
    void every(Duration period, Runnable task) {
        long millis = period.toMillis();
        // Ends with the thread at close(); each task logs its own failures.
        var unused = thread.scheduleWithFixedDelay(task, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Under the write lock, after an append: starts a compaction once the journal passes the threshold. */
    void compactIfDue() {
        if (!compactionQueued && journal.size() >= compactionThreshold) {
            compactionQueued = true;
            thread.execute(this::compact);
        }
    }

    /** @return compactions completed since open */
    long compactions() {
        return compactor.compactions();
    }

    /** Test hook: compacts now, on the calling thread. */
    void compactNow() {
        writeLock.lock();
        try {
            lifecycle.checkOpen();
            compactionQueued = true;
        } finally {
            writeLock.unlock();
        }
        compact();
    }

    private void compact() {
        try {
            compactor.run();
            if (compactor.unsynced()) {
                requestRepair();
            }
        } finally {
            writeLock.lock();
            try {
                compactionQueued = false;
            } finally {
                writeLock.unlock();
            }
        }
    }

    /**
     * Asks for a repair after a failed fsync of the journal or of the folder, on this thread: at most one
     * at a time and one per second.
     */
    void requestRepair() {
        if (lifecycle.isClosed() || !repairPending.compareAndSet(false, true)) {
            return;
        }
        long wait = Math.max(0, REPAIR_RETRY_NANOS - (System.nanoTime() - lastRepairNanos));
        try {
            var unused = thread.schedule(this::repair, wait, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            repairPending.set(false); // closing
        }
    }

    private void repair() {
        lastRepairNanos = System.nanoTime();
        boolean sound;
        try {
            sound = !lifecycle.isClosed() && compactor.repair(this::afterRewrite) && compactor.resync();
        } catch (RuntimeException e) {
            LOG.warn("Repair of {} after a failed fsync failed; retrying", directory, e);
            sound = false;
        } finally {
            repairPending.set(false);
        }
        if (!sound && (journal.syncFailure() != null || compactor.unsynced())) {
            requestRepair();
        }
    }

    /** Under the write lock: everything in memory is durable again, so its changes may be reported. */
    private void afterRewrite() {
        long lsn = journal.appendedLsn();
        events.drainUpTo(lsn);
        durability.rewritten(lsn);
    }

    /**
     * Runs {@code work} while no write, compaction or repair runs (holding the compactor, then the write
     * lock, in the compactor's own order), so the folder's files hold still for it.
     */
    <T> T whileFilesStill(Supplier<T> work) {
        synchronized (compactor) {
            writeLock.lock();
            try {
                return work.get();
            } finally {
                writeLock.unlock();
            }
        }
    }

    /**
     * Stops the thread, waiting for a compaction in flight, then makes one last repair attempt if the
     * journal is still untrustworthy or the manifest may not be durable. Called once the store is closed to
     * writers.
     */
    void close() {
        thread.shutdown();
        awaitThread();
        if (journal.syncFailure() != null && !compactor.repair(this::afterRewrite)) {
            LOG.error(
                    "Closing {} after a failed fsync whose data could not be rewritten: changes since the last"
                            + " good fsync may be lost, and the journal {} may be found damaged on the next open",
                    directory,
                    journal.path());
        } else if (!compactor.resync()) {
            LOG.warn(
                    "Closing {} with a manifest whose folder fsync failed: the files of the manifest it replaced"
                            + " are kept, as a power loss may bring that one back; the next open deletes what is not"
                            + " needed",
                    directory);
        }
    }

    /**
     * Waits even when the closing thread is interrupted: closing the journal and releasing the folder under
     * a running compaction would let it write a manifest into a folder that another runtime may already own.
     */
    private void awaitThread() {
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(AWAIT_SECONDS);
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                try {
                    if (!thread.awaitTermination(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                        LOG.warn(
                                "Background work on {} did not finish within {} s; closing anyway",
                                directory,
                                AWAIT_SECONDS);
                    }
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
