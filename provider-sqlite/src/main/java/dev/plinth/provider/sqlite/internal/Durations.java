package dev.plinth.provider.sqlite.internal;

import dev.plinth.api.storage.InvalidArgumentException;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.spi.storage.Expiry;
import dev.plinth.spi.storage.StorageBackend;

/**
 * TTLs and leases as the backend takes them: checked against the contract's range before anything is
 * queued, then turned into deadlines with the SPI's {@link Expiry}. Core checks the same, so the check
 * only meets a caller of the SPI itself; an expiry is then never capped or wrapped around. Stateless.
 */
final class Durations {
    /** The longest TTL or lease, in milliseconds; from any clock reading until 2^63 ms it cannot overflow. */
    private static final long MAX_MILLIS = KeyValueStore.MAX_DURATION.toMillis();

    private Durations() {}

    /**
     * @param ttlMillis {@link StorageBackend#NO_EXPIRY}, or 1 ms to {@link KeyValueStore#MAX_DURATION}
     * @throws InvalidArgumentException naming {@code ttl} otherwise
     */
    static void checkTtl(long ttlMillis) {
        check("ttl", ttlMillis, true);
    }

    /**
     * @param leaseMillis 1 ms to {@link KeyValueStore#MAX_DURATION}
     * @throws InvalidArgumentException naming {@code lease} otherwise
     */
    static void checkLease(long leaseMillis) {
        check("lease", leaseMillis, false);
    }

    private static void check(String argument, long millis, boolean noneAllowed) {
        if ((millis == StorageBackend.NO_EXPIRY && !noneAllowed) || millis < 0 || millis > MAX_MILLIS) {
            throw new InvalidArgumentException(
                    argument,
                    millis + " ms is not " + (noneAllowed ? "0 (none) or " : "")
                            + "between 1 ms and KeyValueStore.MAX_DURATION (" + MAX_MILLIS + " ms)");
        }
    }

    /**
     * @param now the transaction's time, epoch ms
     * @param millis a checked TTL or lease, or {@link StorageBackend#NO_EXPIRY}
     * @return {@link Expiry#deadline}; the check bounded {@code millis}, so the sum cannot overflow
     */
    static long deadline(long now, long millis) {
        return Expiry.deadline(now, millis);
    }
}
