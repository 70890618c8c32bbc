package dev.plinth.spi.storage;

import java.util.Objects;

/** One write of a transaction or batch, as the runtime hands it to a backend. */
public sealed interface Write permits Write.Put, Write.Remove {

    /** @return the key written or deleted */
    String key();

    /**
     * Store a value.
     *
     * @param key the key
     * @param value the value; the runtime already copied it, the backend may keep it
     * @param ttlMillis time to live in milliseconds, or {@link StorageBackend#NO_EXPIRY}
     */
    record Put(String key, byte[] value, long ttlMillis) implements Write {
        /**
         * @param key the key
         * @param value the value
         * @param ttlMillis time to live, or NO_EXPIRY
         * @throws NullPointerException when {@code key} or {@code value} is {@code null}
         */
        public Put {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * Delete a key; deleting an absent key is not an error.
     *
     * @param key the key
     */
    record Remove(String key) implements Write {
        /**
         * @param key the key
         * @throws NullPointerException when {@code key} is {@code null}
         */
        public Remove {
            Objects.requireNonNull(key, "key");
        }
    }
}
