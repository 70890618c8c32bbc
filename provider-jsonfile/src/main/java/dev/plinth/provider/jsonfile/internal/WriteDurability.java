package dev.plinth.provider.jsonfile.internal;

/**
 * When a write counts as done, and so when its change may be reported: chosen once at open from the
 * {@code durability} option. {@link GroupSync} ({@code sync}) reports a change and lets its writer return
 * only once its journal line is fsynced; {@link BatchedFlush} ({@code batched}) reports it once appended and
 * fsyncs every {@code flushInterval}. Changes are queued in an {@link EventQueue} by journal position (LSN).
 */
interface WriteDurability {

    /** Starts the mode's background work; a failed fsync asks {@code maintenance} to rewrite the data. */
    void start(Maintenance maintenance);

    /** Under the write lock, once a commit's line was appended up to {@code lsn}. */
    void appended(long lsn);

    /**
     * Outside the write lock: returns once the line up to {@code lsn} is as durable as the mode promises.
     *
     * @throws JournalWriteException when its fsync failed
     */
    void awaitDurable(long lsn);

    /** @return the LSN up to which queued changes may be reported now */
    long reportableLsn();

    /** Under the write lock, after a repair rewrote everything: all appended up to {@code lsn} is durable. */
    void rewritten(long lsn);

    /** Serves the writes already appended, then stops; called once no write can start any more. */
    void close();
}
