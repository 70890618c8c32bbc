package dev.plinth.provider.jsonfile;

import java.io.IOException;

/**
 * Sync-mode durability with group commit: writers append under the write lock, release it, then wait here
 * until their LSN is fsynced. One thread fsyncs for everyone who appended before the fsync began, so
 * concurrent writers share one fsync instead of queuing for one each; it then reports the covered changes
 * and wakes their writers. Waiting ignores interrupts (the write is already in the journal and in
 * memory); the interrupt status is kept for the caller.
 */
final class GroupSync {
    private final Journal journal;
    private final EventQueue events;
    private final Thread thread;
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

    void start() {
        thread.start();
    }

    /**
     * Returns once everything up to {@code lsn} is fsynced and its changes reported.
     *
     * @throws JournalWriteException when fsync failed: durability of the write is unknown
     */
    void awaitDurable(long lsn) {
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
                throw new JournalWriteException(journal.path(), failure);
            }
        }
    }

    private void run() {
        while (true) {
            synchronized (monitor) {
                while (requested <= acknowledged && !stopping) {
                    try {
                        monitor.wait();
                    } catch (InterruptedException e) {
                        // only close() stops this thread
                    }
                }
                if (requested <= acknowledged) {
                    return;
                }
            }
            if (!syncOnce()) {
                return;
            }
        }
    }

    private boolean syncOnce() {
        try {
            long durable = journal.force();
            events.drainUpTo(durable);
            synchronized (monitor) {
                acknowledged = Math.max(acknowledged, durable);
                monitor.notifyAll();
            }
            return true;
        } catch (IOException | RuntimeException e) {
            synchronized (monitor) {
                failure = e;
                monitor.notifyAll();
            }
            return false;
        }
    }

    /** @return the fsync failure that stopped group sync, or {@code null} */
    Exception failure() {
        synchronized (monitor) {
            return failure;
        }
    }

    /**
     * Serves every write already appended, then stops. Called once no write can start any more.
     */
    void close() {
        synchronized (monitor) {
            stopping = true;
            monitor.notifyAll();
        }
        // Cleared while closing: an interrupted thread's fsync would close the journal channel.
        boolean interrupted = Thread.interrupted();
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure() == null) {
            syncOnce(); // writers that released the write lock but had not asked yet
        }
    }
}
