package dev.plinth.spi.storage;

/**
 * Optional part: the backend reports every committed change itself, to {@link BackendContext#changes()}:
 * its own writes in commit order per key, the reclaiming of expired keys as
 * {@link dev.plinth.api.storage.ChangeType#EXPIRE}, and, with {@link Capability#CROSS_PROCESS_EVENTS},
 * other processes' writes; a gap in that feed is reported with {@link ChangeListener#onChangesMissed}. A
 * provider that declares {@code CROSS_PROCESS_EVENTS} or {@link Capability#SHARED_ACROSS_PROCESSES} must
 * implement it.
 *
 * <p>Without it the runtime reports a backend's changes from its commit results (serialising the writes of
 * each namespace so events come in commit order) and reports {@code EXPIRE} when a key written with a TTL in
 * this process reaches its deadline.
 */
public interface ChangeFeed {

    /**
     * Tells the backend whether anything in this process watches its changes. A runtime calls it with
     * {@code false} right after {@code open} (nothing watches yet), with {@code true} when the first watch
     * starts and with {@code false} when the last one ends, never twice in a row with the same value, and
     * never concurrently. A backend opened without a runtime is never told, and must report changes as if
     * watched.
     *
     * <p>A backend whose feed costs something per change while nobody listens (a subscription that
     * receives every change, a poll) may stop it on {@code false}. On {@code true} it starts it again and
     * returns once every change committed after the return will be reported; if it cannot within its
     * timeouts, it returns anyway and calls {@link ChangeListener#onChangesMissed} once the feed is up.
     * Changes made while unwatched need never be reported. The default does nothing, which is always
     * correct.
     *
     * @param watched whether any watch is open in this process
     */
    default void setWatched(boolean watched) {}
}
