package dev.plinth.api.storage;

import java.time.Duration;
import java.util.Map;

/**
 * Builds an atomic group of writes and deletes in one namespace, optionally guarded by preconditions. On
 * {@link #commit()}, either every precondition holds and every operation is applied, or nothing is
 * applied. Operations apply in the order added; a later write of the same key wins. Key, value and TTL
 * rules are those of {@link KeyValueStore}, checked as operations are added.
 *
 * <p>Not thread-safe: build and commit on one thread. A transaction commits at most once.
 */
public interface Transaction {

    /**
     * @param key the key
     * @param value the value, copied now
     * @return this
     */
    Transaction set(String key, byte[] value);

    /**
     * @param key the key
     * @param value the value, copied now
     * @param ttl time to live, at least one millisecond
     * @return this
     */
    Transaction set(String key, byte[] value, Duration ttl);

    /**
     * @param key the key
     * @param value the text, stored as UTF-8
     * @return this
     */
    Transaction setString(String key, String value);

    /**
     * @param key the key
     * @param value the object, stored as JSON (encoded now)
     * @return this
     * @throws SerializationException when it cannot be written as JSON
     */
    Transaction setObject(String key, Object value);

    /**
     * @param key the key to delete; deleting an absent key is not an error
     * @return this
     */
    Transaction delete(String key);

    /**
     * Adds a precondition: {@code key} must be at {@code version} at commit time.
     *
     * @param key the key
     * @param version the expected version, or {@link KeyValueStore#ABSENT} to expect the key absent
     * @return this
     */
    Transaction requireVersion(String key, long version);

    /**
     * Adds a precondition: {@code key} must be absent (or expired) at commit time.
     *
     * @param key the key
     * @return this
     */
    Transaction requireAbsent(String key);

    /**
     * Applies the transaction.
     *
     * @return the new version of every key written, by key
     * @throws VersionConflictException when a precondition fails; it names the key, and nothing was
     *     applied
     * @throws QuotaExceededException when new keys would exceed {@code maxKeys}; nothing was applied
     * @throws StoreClosedException when this transaction was already committed (a transaction commits once),
     *     or the runtime was closed
     */
    Map<String, Long> commit();
}
