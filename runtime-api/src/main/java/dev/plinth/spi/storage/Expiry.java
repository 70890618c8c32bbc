package dev.plinth.spi.storage;

/**
 * The one expiry rule, for every provider: an entry with {@code expiresAtMillis} (epoch milliseconds, or
 * {@link StorageBackend#NO_EXPIRY}) is live at {@code nowMillis} while it never expires or its deadline is
 * still ahead; at the deadline itself it is expired. Stateless and thread-safe.
 */
public final class Expiry {
    private Expiry() {}

    /**
     * @param nowMillis the clock, epoch milliseconds
     * @param ttlMillis a time to live (at most {@code KeyValueStore.MAX_DURATION}), or
     *     {@link StorageBackend#NO_EXPIRY}
     * @return the deadline, or {@link StorageBackend#NO_EXPIRY}
     */
    public static long deadline(long nowMillis, long ttlMillis) {
        return ttlMillis == StorageBackend.NO_EXPIRY ? StorageBackend.NO_EXPIRY : nowMillis + ttlMillis;
    }

    /**
     * @param expiresAtMillis a deadline, or {@link StorageBackend#NO_EXPIRY}
     * @param nowMillis the clock
     * @return {@code true} while the entry is live
     */
    public static boolean isLive(long expiresAtMillis, long nowMillis) {
        return expiresAtMillis == StorageBackend.NO_EXPIRY || expiresAtMillis > nowMillis;
    }
}
