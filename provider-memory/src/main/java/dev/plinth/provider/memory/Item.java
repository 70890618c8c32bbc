package dev.plinth.provider.memory;

import dev.plinth.spi.storage.StorageBackend;

/**
 * One stored value. Never changed once built (the array is never written after the item is made), so a
 * reader that loaded an item sees a consistent value, version and expiry without any lock.
 *
 * @param value the value bytes, owned by the store
 * @param version the version from the backend's sequence
 * @param expiresAt epoch milliseconds, or {@link StorageBackend#NO_EXPIRY}
 */
record Item(byte[] value, long version, long expiresAt) {

    /** @return whether the item is still visible at {@code nowMillis} */
    boolean liveAt(long nowMillis) {
        return expiresAt == StorageBackend.NO_EXPIRY || expiresAt > nowMillis;
    }

    boolean expires() {
        return expiresAt != StorageBackend.NO_EXPIRY;
    }

    /** @return the same value and version with another expiry */
    Item withExpiry(long newExpiresAt) {
        return new Item(value, version, newExpiresAt);
    }

    /** @return the version when live at {@code nowMillis}, else 0 (absent) */
    static long liveVersion(Item item, long nowMillis) {
        return item != null && item.liveAt(nowMillis) ? item.version : 0L;
    }
}
