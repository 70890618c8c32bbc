package dev.plinth.core.observe;

import java.util.Locale;

/**
 * What a plugin did with its store, as observers see it: every {@code KeyValueStore} method is one of these
 * (a small, fixed set, so that a metric tagged with it has few series).
 */
public enum StoreOperation {
    /** get, getView, getString, getObject, getEntry, getAll, exists, ttl. */
    GET,
    /** set, setString, setObject, setIfAbsent, compareAndSet, setAll. */
    SET,
    /** delete, deleteAll, deleteMatching, clear. */
    DELETE,
    /** keys, keysAfter, count. */
    LIST,
    /** a transaction's commit. */
    COMMIT,
    /** increment. */
    INCREMENT,
    /** expire, persist. */
    EXPIRE,
    /** lock, tryLock: the time is the wait for the lock. */
    LOCK,
    /** one change event delivered to a watch listener: the time is the listener's. */
    WATCH_DELIVERY;

    private final String tag = name().toLowerCase(Locale.ROOT).replace('_', '.');

    /** @return the lower-case name used as a tag value: {@code get}, ..., {@code watch.delivery} */
    public String tag() {
        return tag;
    }
}
