package dev.plinth.spi.storage;

import org.jspecify.annotations.Nullable;

/**
 * Optional part: single-key operations in one native step (one statement, one script, one map update)
 * instead of the runtime's defaults, which go through {@link StorageBackend#read} and
 * {@link StorageBackend#commit}. Each method has exactly the meaning of that default; the TCK holds both to
 * the same contract. Implement it when the backend can do them cheaper than a general commit (every
 * shipped provider does).
 */
public interface FastPaths {

    /**
     * @param ns the namespace
     * @param key the key
     * @return the live entry, or {@code null} when absent or expired (no {@code Optional}: this is the
     *     hottest read path)
     */
    @Nullable
    BackendEntry get(Namespace ns, String key);

    /**
     * The value alone, for reads that need nothing else ({@code get}, {@code getString},
     * {@code getObject}): a backend that can answer without building a {@link BackendEntry} saves that
     * object on the hottest read path. The runtime never changes the array: it copies it for
     * {@code get}, or hands it out as a read-only buffer for {@code getView}, so a backend may return the
     * array it stores, provided it never changes that array in place afterwards. The default asks {@link #get}.
     *
     * @param ns the namespace
     * @param key the key
     * @return the live value, or {@code null} when absent or expired
     */
    default byte @Nullable [] getValue(Namespace ns, String key) {
        BackendEntry e = get(ns, key);
        return e == null ? null : e.value();
    }

    /**
     * @param ns the namespace
     * @param key the key
     * @return {@code true} when the key is live
     */
    boolean exists(Namespace ns, String key);

    /**
     * Stores a value, replacing value, version and expiry: a commit of one {@link Write.Put}.
     *
     * @param ns the namespace
     * @param key the key
     * @param value the value (already copied; the backend may keep it)
     * @param ttlMillis time to live, or {@link StorageBackend#NO_EXPIRY}
     * @return the new version
     * @throws dev.plinth.api.storage.QuotaExceededException with {@link NativeQuotas}, when the key is new
     *     and the namespace is full
     */
    long set(Namespace ns, String key, byte[] value, long ttlMillis);

    /**
     * Stores a value when the key's live version equals {@code expectedVersion}
     * ({@link dev.plinth.api.storage.KeyValueStore#ABSENT}: absent or expired), atomically.
     *
     * @param ns the namespace
     * @param key the key
     * @param expectedVersion the version expected
     * @param value the value
     * @param ttlMillis time to live, or {@link StorageBackend#NO_EXPIRY}
     * @return the new version, or {@link dev.plinth.api.storage.KeyValueStore#ABSENT} when the version did
     *     not match and nothing changed
     * @throws dev.plinth.api.storage.QuotaExceededException with {@link NativeQuotas}, when the key is new
     *     and the namespace is full
     */
    long compareAndSet(Namespace ns, String key, long expectedVersion, byte[] value, long ttlMillis);

    /**
     * @param ns the namespace
     * @param key the key
     * @return {@code true} when a live key was deleted
     */
    boolean delete(Namespace ns, String key);

    /**
     * Sets or removes a live key's expiry, keeping value and version: a commit of one {@link Write.Expire}.
     *
     * @param ns the namespace
     * @param key the key
     * @param ttlMillis the new time to live, or {@link StorageBackend#NO_EXPIRY} to never expire
     * @return {@code true} when the key was live
     */
    boolean expire(Namespace ns, String key, long ttlMillis);
}
