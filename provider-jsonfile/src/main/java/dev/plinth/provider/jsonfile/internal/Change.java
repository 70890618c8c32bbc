package dev.plinth.provider.jsonfile.internal;

/** One committed change to a namespace: what the journal records and memory applies. */
sealed interface Change permits Change.Put, Change.Remove, Change.Clear {

    /**
     * Stores {@code item} under {@code key}. Absolute, so replaying it twice is harmless.
     *
     * @param key the key
     * @param item the whole entry
     * @param reported whether watchers hear of it as a {@code SET}: not for an expiry change, which keeps
     *     the version (the journal and memory treat both alike)
     */
    record Put(String key, Item item, boolean reported) implements Change {
        Put(String key, Item item) {
            this(key, item, true);
        }
    }

    /** Removes {@code key}. */
    record Remove(String key) implements Change {}

    /** Removes every key of the namespace. */
    record Clear() implements Change {}
}
