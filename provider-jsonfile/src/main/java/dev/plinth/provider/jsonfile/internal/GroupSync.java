package dev.plinth.provider.jsonfile.internal;

import dev.plinth.provider.jsonfile.JournalWriteException;
import java.io.IOException;

/**
 * {@code durability=sync}, with group commit: writers append under the write lock, release it, then wait
 * here until their LSN is fsynced. One thread fsyncs for everyone who appended before the fsync began, so
 * concurrent writers share one fsync instead of queuing for one each; it then reports the covered changes
 * and wakes their writers. Waiting ignores interrupts (the write is already in the journal and in
 * memory); the interrupt status is kept for the caller.
 *
 * <p>When an fsync fails, every waiting writer is told so, the store's maintenance is asked to repair,
 * and the thread rests until {@link #rewritten} reports that everything appended is durable again.
 */
final class GroupSync implements WriteDurability {
    private final Journal journal;
    private final EventQueue events;
    private final Thread thread;
    /** Set by {@link #start}, before the thread runs. */
    private Maintenance maintenance;

    private final Object monitor = new Object();
    /** Guarded by monitor. */
    private long requested;
    /** Guarded by monitor: fsynced and reported. */
    private long acknowledged;
    /** Guarded by monitor. */
    private Exception failure;
    /** Guarded by monitor. */
    private boolean stopping;

    GroupSync(Journal journal, EventQueue events, String threadName) {
        this.journal = journal;
        this.events = events;
        this.acknowledged = journal.durableLsn();
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
    }

    @Override
    public void start(Maintenance maintenance) {
        this.maintenance = maintenance;
        thread.start();
    }

    @Override
    public void appended(long lsn) {
        // Reported by the sync thread, once fsynced.
    }

    @Override
    public long reportableLsn() {
        return journal.durableLsn();
    }

    /**
     * Returns once everything up to {@code lsn} is fsynced and its changes reported.
     *
     * @throws JournalWriteException when fsync failed: durability of the write is unknown
     */
    @Override
    public void awaitDurable(long lsn) {
        boolean interrupted = false;
        synchronized (monitor) {
            if (lsn > requested) {
                requested = lsn;
                monitor.notifyAll();
            }
            while (acknowledged < lsn && failure == null) {
                try {
                    monitor.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (acknowledged < lsn) {
                throw journal.notDurable(failure);
            }
        }
    }

    private void run() {
        while (true) {
            synchronized (monitor) {
                while ((requested <= acknowledged || failure != null) && !stopping) {
                    try {
                        monitor.wait();
                    } catch (InterruptedException e) {
                        // only close() stops this thread
                    }
                }
                if (requested <= acknowledged || failure != null) {
                    return;
                }
            }
            syncOnce();
        }
    }

    private void syncOnce() {
        try {
            long durable = journal.force();
            events.drainUpTo(durable);
            synchronized (monitor) {
                acknowledged = Math.max(acknowledged, durable);
                monitor.notifyAll();
            }
        } catch (IOException | RuntimeException e) {
            synchronized (monitor) {
                failure = e;
                monitor.notifyAll();
            }
            maintenance.requestRepair();
        }
    }

    /**
     * Everything up to {@code lsn} is durable again (the store rewrote its data after a failed fsync):
     * resumes serving writers. The changes up to it were reported by the caller.
     */
    @Override
    public void rewritten(long lsn) {
        synchronized (monitor) {
            failure = null;
            acknowledged = Math.max(acknowledged, lsn);
            monitor.notifyAll();
        }
    }

    /**
     * Serves every write already appended, then stops. Called once no write can start any more.
     */
    @Override
    public void close() {
        synchronized (monitor) {
            stopping = true;
            monitor.notifyAll();
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        boolean failed;
        synchronized (monitor) {
            failed = failure != null;
        }
        if (!failed) {
            syncOnce(); // writers that released the write lock but had not asked yet
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
