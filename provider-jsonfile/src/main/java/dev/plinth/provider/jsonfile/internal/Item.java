package dev.plinth.provider.jsonfile.internal;

import dev.plinth.spi.storage.Expiry;

/**
 * One stored value in memory. Immutable; the value array is never changed after it is stored.
 *
 * @param value the bytes
 * @param version the version, positive
 * @param expiresAt epoch millis, or 0 for never
 */
record Item(byte[] value, long version, long expiresAt) {

    boolean liveAt(long now) {
        return Expiry.isLive(expiresAt, now);
    }
}
