package dev.plinth.spi.storage;

import java.util.Objects;

/** One write of a {@link Commit}, as the runtime hands it to a backend. */
public sealed interface Write permits Write.Put, Write.Remove, Write.Expire {

    /** {@link Put#ttlMillis()} value meaning "keep the key's current expiry" (what increment needs). */
    long KEEP_EXPIRY = -1L;

    /** @return the key written, deleted or touched */
    String key();

    /**
     * Store a value with a new version.
     *
     * @param key the key
     * @param value the value; the runtime already copied it, the backend may keep it
     * @param ttlMillis time to live in milliseconds, {@link StorageBackend#NO_EXPIRY} to never expire, or
     *     {@link #KEEP_EXPIRY} to keep the live key's current expiry (none when the key was absent)
     */
    record Put(String key, byte[] value, long ttlMillis) implements Write {
        /**
         * @param key the key
         * @param value the value
         * @param ttlMillis time to live, NO_EXPIRY or KEEP_EXPIRY
         * @throws NullPointerException when {@code key} or {@code value} is {@code null}
         */
        public Put {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * Delete a key; an absent or expired key is not an error (and an expired one is reclaimed).
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

    /**
     * Give a live key a new expiry, keeping its value and version; nothing for an absent key.
     *
     * @param key the key
     * @param ttlMillis the new time to live, or {@link StorageBackend#NO_EXPIRY} to never expire
     */
    record Expire(String key, long ttlMillis) implements Write {
        /**
         * @param key the key
         * @param ttlMillis time to live, or NO_EXPIRY
         * @throws NullPointerException when {@code key} is {@code null}
         */
        public Expire {
            Objects.requireNonNull(key, "key");
        }
    }
}
