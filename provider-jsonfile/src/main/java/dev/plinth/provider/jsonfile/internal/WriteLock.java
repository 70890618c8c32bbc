package dev.plinth.provider.jsonfile.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The backend's write lock. Fair for the compactor, the sweeper and close, so writers taking it back to
 * back cannot starve them; a writer, though, takes it at once when it is free and no such task waits
 * ({@link #lockForWrite}). Strict fairness among writers handed the lock over on every release, a park and
 * an unpark per write: with four writers on two CPUs, batched writes ran at a tenth of one writer's speed.
 */
final class WriteLock extends ReentrantLock {
    private static final long serialVersionUID = 1L;

    private final AtomicInteger maintenanceWaiting = new AtomicInteger();

    WriteLock() {
        super(true);
    }

    /** Takes the lock for a write: at once when it is free and no maintenance task waits, else in turn. */
    void lockForWrite() {
        if (writersMayBarge() && tryLock()) {
            return;
        }
        super.lock();
    }

    /** @return whether a writer may take the lock out of turn now: no maintenance task is waiting for it */
    boolean writersMayBarge() {
        return maintenanceWaiting.get() == 0;
    }

    /** Takes the lock for a maintenance task (compaction, repair, close): writers stop barging meanwhile. */
    @Override
    public void lock() {
        maintenanceWaiting.incrementAndGet();
        try {
            super.lock();
        } finally {
            maintenanceWaiting.decrementAndGet();
        }
    }

    /**
     * Takes the lock in turn for a maintenance task that may skip a round (the expiry sweep, on the
     * runtime's scheduler, which must not block): like {@link #lock()}, but gives up after {@code timeout}.
     *
     * @return whether the lock is now held
     * @throws InterruptedException when interrupted while waiting
     */
    boolean tryLockForMaintenance(long timeout, TimeUnit unit) throws InterruptedException {
        maintenanceWaiting.incrementAndGet();
        try {
            return tryLock(timeout, unit);
        } finally {
            maintenanceWaiting.decrementAndGet();
        }
    }
}
