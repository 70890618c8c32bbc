package dev.plinth.provider.jsonfile.internal;

import dev.plinth.api.storage.ChangeType;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reclaims expired keys and reports each as {@code EXPIRE}, every {@code sweepInterval} on the runtime's
 * scheduler. It works in memory only (an expired key is dropped again when the folder is loaded), so it
 * is short; it waits for the write lock a bounded time and otherwise leaves the keys to the next pass, so
 * a writer stuck on a slow disk never holds up the runtime's scheduler.
 */
final class ExpirySweeper implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ExpirySweeper.class);
    /** Longer than a journal append or file switch takes on a healthy disk. */
    private static final long LOCK_WAIT_MILLIS = 100;

    private final Path directory;
    private final KeySpace space;
    private final Journal journal;
    private final EventQueue events;
    private final WriteDurability durability;
    private final WriteLock writeLock;
    private final Lifecycle lifecycle;
    private final InstantSource clock;

    ExpirySweeper(
            Path directory,
            KeySpace space,
            Journal journal,
            EventQueue events,
            WriteDurability durability,
            WriteLock writeLock,
            Lifecycle lifecycle,
            InstantSource clock) {
        this.directory = directory;
        this.space = space;
        this.journal = journal;
        this.events = events;
        this.durability = durability;
        this.writeLock = writeLock;
        this.lifecycle = lifecycle;
        this.clock = clock;
    }

    @Override
    public void run() {
        try {
            if (!writeLock.tryLockForMaintenance(LOCK_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the runtime is shutting its scheduler down
            return;
        }
        try {
            if (lifecycle.isClosed()) {
                return;
            }
            List<KeySpace.Deadline> reclaimed = space.reclaimExpired(clock.millis());
            if (reclaimed.isEmpty()) {
                return;
            }
            // Queued behind any change still waiting for its fsync, so per-key order holds.
            long lsn = journal.appendedLsn();
            for (KeySpace.Deadline d : reclaimed) {
                events.add(lsn, d.ns(), ChangeType.EXPIRE, d.key(), 0);
            }
            events.drainUpTo(durability.reportableLsn());
        } catch (RuntimeException e) {
            LOG.warn("Expiry sweep of {} failed; it will be retried", directory, e);
        } finally {
            writeLock.unlock();
        }
    }
}
