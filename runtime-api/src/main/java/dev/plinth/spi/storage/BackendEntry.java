package dev.plinth.spi.storage;

import java.util.Objects;

/**
 * A stored key as a backend returns it. The runtime never changes the value array and copies it before a
 * plugin sees it, so a backend may return the array it stores (as long as it never changes a stored
 * array in place) instead of copying on every read.
 *
 * @param key the key
 * @param value the value bytes
 * @param version the key's version, positive
 * @param expiresAtMillis the expiry as epoch milliseconds, or {@link StorageBackend#NO_EXPIRY}
 */
public record BackendEntry(String key, byte[] value, long version, long expiresAtMillis) {

    /**
     * @param key the key
     * @param value the value bytes
     * @param version the version
     * @param expiresAtMillis the expiry, or NO_EXPIRY
     * @throws NullPointerException when {@code key} or {@code value} is {@code null}
     */
    public BackendEntry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }
}
