package dev.plinth.provider.jsonfile.internal;

import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code durability=batched}: a write returns, and its change is reported, once its line is appended (in
 * the OS's cache, which a crash of the JVM alone does not lose); the journal is fsynced every
 * {@code flushInterval} on the store's maintenance thread, so a power loss may lose that much.
 */
final class BatchedFlush implements WriteDurability {
    private static final Logger LOG = LoggerFactory.getLogger(BatchedFlush.class);

    private final Journal journal;
    private final EventQueue events;
    private final Duration interval;
    /** Set by {@link #start}, before the first flush is scheduled. */
    private Maintenance maintenance;

    BatchedFlush(Journal journal, EventQueue events, Duration interval) {
        this.journal = journal;
        this.events = events;
        this.interval = interval;
    }

    @Override
    public void start(Maintenance maintenance) {
        this.maintenance = maintenance;
        maintenance.every(interval, this::flush);
    }

    @Override
    public void appended(long lsn) {
        events.drainUpTo(lsn);
    }

    @Override
    public void awaitDurable(long lsn) {
        // Acknowledged once appended: nothing to wait for.
    }

    @Override
    public long reportableLsn() {
        return journal.appendedLsn();
    }

    @Override
    public void rewritten(long lsn) {
        // Nothing waits here; the changes up to lsn were reported when they were appended.
    }

    @Override
    public void close() {
        // The maintenance thread's shutdown ends the flushes; closing the journal fsyncs the rest.
    }

    private void flush() {
        if (journal.syncFailure() != null) {
            // The repair makes the data durable; another fsync of this file would prove nothing.
            maintenance.requestRepair();
            return;
        }
        try {
            journal.force();
        } catch (IOException | RuntimeException e) {
            LOG.warn(
                    "Could not fsync the journal {}: writes are refused until its data is rewritten to new" + " files",
                    journal.path(),
                    e);
            maintenance.requestRepair();
        }
    }
}
