package dev.plinth.spi.storage;

/**
 * Optional part: {@code increment} in one atomic native step. Without it the runtime reads the value,
 * parses it with {@link Counters}, and commits the sum with a precondition on the version it read,
 * retrying when another writer got there first.
 */
public interface NativeCounters {

    /**
     * Adds to a counter atomically; absent counts as 0; the expiry is kept. The value read and written is
     * the one format of {@link Counters}, with its exact rules.
     *
     * @param ns the namespace
     * @param key the key
     * @param delta the amount to add
     * @return the new value
     * @throws dev.plinth.api.storage.NotACounterException when the value is not a counter or the sum
     *     overflows; nothing changed
     * @throws dev.plinth.api.storage.QuotaExceededException with {@link NativeQuotas}, when the key is new
     *     and the namespace is full
     */
    long increment(Namespace ns, String key, long delta);
}
