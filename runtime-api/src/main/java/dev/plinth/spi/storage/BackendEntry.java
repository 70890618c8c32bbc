package dev.plinth.spi.storage;

import java.util.Objects;

/**
 * A stored key as a backend returns it. The value array is handed over: the backend must not keep or
 * change it after returning it, and the runtime copies it before giving it to a plugin.
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
