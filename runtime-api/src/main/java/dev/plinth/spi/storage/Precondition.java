package dev.plinth.spi.storage;

import java.util.Objects;

/**
 * A transaction guard: {@code key} must be at {@code expectedVersion} at commit time, where
 * {@link dev.plinth.api.storage.KeyValueStore#ABSENT} means absent or expired.
 *
 * @param key the key
 * @param expectedVersion the version expected
 */
public record Precondition(String key, long expectedVersion) {
    /**
     * @param key the key
     * @param expectedVersion the version expected
     * @throws NullPointerException when {@code key} is {@code null}
     */
    public Precondition {
        Objects.requireNonNull(key, "key");
    }
}
