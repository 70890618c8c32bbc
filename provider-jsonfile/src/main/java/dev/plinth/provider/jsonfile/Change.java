package dev.plinth.provider.jsonfile;

/** One committed change to a namespace: what the journal records and memory applies. */
sealed interface Change permits Change.Put, Change.Remove, Change.Clear {

    /** Stores {@code item} under {@code key}. Absolute, so replaying it twice is harmless. */
    record Put(String key, Item item) implements Change {
    }

    /** Removes {@code key}. */
    record Remove(String key) implements Change {
    }

    /** Removes every key of the namespace. */
    record Clear() implements Change {
    }
}
