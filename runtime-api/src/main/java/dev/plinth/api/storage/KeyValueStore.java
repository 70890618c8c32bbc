package dev.plinth.api.storage;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The key-value store a plugin sees, confined to one namespace (the plugin's id, or a namespace nested in it).
 * The same contract holds on every storage provider; switching provider changes speed and durability,
 * nothing else. The provider TCK ({@code plinth-provider-tck}) tests every clause below.
 *
 * <h2>Namespaces</h2>
 * A store sees only the keys of its own namespace. No key, pattern, {@link #clear()}, transaction or watch
 * can read, list, change or observe another namespace, including a parent's or a child's: a namespace from
 * {@link #namespace(String)} is a separate one.
 *
 * <h2>Keys</h2>
 * A key is any string of 1 to {@value #MAX_KEY_BYTES} UTF-8 bytes with no control character (U+0000-U+001F,
 * U+007F-U+009F) and no unpaired surrogate. Every method throws {@link InvalidKeyException} naming the key
 * otherwise, before touching the backend. {@code null} keys throw {@link InvalidKeyException} too.
 *
 * <h2>Values</h2>
 * Values are bytes; {@link #setString}/{@link #getString} store UTF-8 text, and
 * {@link #setObject}/{@link #getObject} store JSON (Jackson; records and generic types supported) that any
 * tool can read. Values are copied in and out: changing an array or object after {@code set}, or one
 * returned by {@code get}, never changes the store. A value larger than the configured limit
 * ({@code plinth.storage.maxValueBytes}, default 16 MiB) throws {@link ValueTooLargeException}.
 * {@code null} values throw {@link NullPointerException}.
 *
 * <h2>Versions</h2>
 * Every write of a key (set, increment, compare-and-set, transaction write) gives it a new version larger
 * than any version it had before, even across a delete and re-create. Versions are positive;
 * {@link #ABSENT} ({@code 0}) stands for "no such key" in preconditions. Changing only the expiry
 * ({@link #expire}, {@link #persist}) keeps the version.
 *
 * <h2>Expiry (TTL)</h2>
 * Writes take an optional {@link Duration} time to live with millisecond precision. Without one the key
 * never expires, and a write without one removes an earlier expiry (except {@link #increment}, which
 * keeps it, as counters with a window expect). A zero, negative or sub-millisecond TTL, or one longer than
 * {@link #MAX_DURATION}, throws {@link InvalidArgumentException} naming it, before anything changes. An expired key is invisible to every operation at once: get, exists,
 * listing, counting, quotas and preconditions treat it as absent. Its space is reclaimed in the background.
 *
 * <h2>Patterns</h2>
 * Listing, counting, deleting and watching take a glob pattern anchored at both ends: {@code *} matches
 * any run of characters (also none, also separators such as {@code :} or {@code /}), {@code ?} exactly one
 * character, {@code [abc]} one of a set, {@code [a-z]} one of a range, {@code [!a]} or {@code [^a]} one
 * character not in the set, and {@code \} makes the next character literal. Every other character is
 * literal, including those of backends' own languages ({@code %}, {@code _}, {@code .}, {@code (}). A
 * malformed pattern throws {@link InvalidPatternException} before anything runs. Keys are listed in
 * lexicographic order of their UTF-8 bytes (code point order).
 *
 * <h2>Errors</h2>
 * Absent is an empty result, never an exception. A backend failure is always a {@link StorageException},
 * never an empty result; {@link BackendUnavailableException} is the retryable one. A write that throws
 * changed nothing and notified no watcher. After the runtime closes, every method throws
 * {@link StoreClosedException}.
 *
 * <h2>Threading</h2>
 * Implementations are thread-safe. Each single-key operation is atomic; batches ({@link #setAll},
 * {@link #deleteAll}) and {@link #clear()} are atomic too.
 *
 * <p>This interface is long (about 470 lines) because its javadoc is the storage contract itself, clause by
 * clause.
 */
public interface KeyValueStore {

    /** The longest key accepted, in UTF-8 bytes. */
    int MAX_KEY_BYTES = 512;

    /** The version that stands for "no such key" in preconditions and conflicts. */
    long ABSENT = 0L;

    /**
     * The longest duration accepted anywhere in Plinth: a TTL, a lock wait or lease, and every duration in
     * configuration. 36,500 days (about a century), short enough that no deadline computed from it
     * overflows, in milliseconds or nanoseconds, on any provider.
     */
    Duration MAX_DURATION = Duration.ofDays(36_500);

    /**
     * @return this store's namespace: the plugin id, followed by {@code /name} for each nested namespace
     *     (for example {@code notes/archive})
     */
    String namespace();

    /**
     * Returns the store of a nested namespace, with the same API, isolated from this one the way plugins are
     * isolated from each other. Calling it twice with the same name returns stores that see the same data.
     *
     * @param name the nested namespace's name: 1 to 64 characters of {@code a-z 0-9 . - _}
     * @return the nested store
     * @throws InvalidArgumentException naming {@code name} when it breaks that grammar
     * @throws NullPointerException when {@code name} is {@code null}
     */
    KeyValueStore namespace(String name);

    // ---------------------------------------------------------------- reads

    /**
     * @param key the key
     * @return a copy of the value, or empty when the key is absent or expired
     * @throws InvalidKeyException when the key breaks the key rules
     */
    Optional<byte[]> get(String key);

    /**
     * The value as a read-only buffer, for callers that only read it: where the provider keeps the value
     * in this process (the memory provider, the near cache), the buffer shows the stored bytes without
     * copying them, which {@link #get} must do. An addition to {@code get}, not a replacement: the buffer
     * is a snapshot, its content never changes, not even when the key is written or deleted later (a write
     * stores a new array), and any attempt to change it throws {@link java.nio.ReadOnlyBufferException}.
     * Position 0, limit and capacity the value's length. Each call returns a new buffer object, so its
     * position and limit are the caller's own; the buffer may be kept and read from any thread.
     *
     * @param key the key
     * @return the value, or empty when the key is absent or expired
     * @throws InvalidKeyException when the key breaks the key rules
     */
    default Optional<java.nio.ByteBuffer> getView(String key) {
        return get(key).map(v -> java.nio.ByteBuffer.wrap(v).asReadOnlyBuffer());
    }

    /**
     * @param key the key
     * @return the value decoded as UTF-8, or empty when absent or expired
     * @throws InvalidKeyException when the key breaks the key rules
     */
    Optional<String> getString(String key);

    /**
     * @param key the key
     * @param type the class to map the stored JSON to (records supported)
     * @param <T> the value type
     * @return the value, or empty when absent or expired
     * @throws SerializationException when the stored value is not JSON of that type; the data stays as is
     * @throws InvalidKeyException when the key breaks the key rules
     */
    <T> Optional<T> getObject(String key, Class<T> type);

    /**
     * @param key the key
     * @param type the generic type to map the stored JSON to, for example
     *     {@code new TypeRef<List<Note>>() {}}
     * @param <T> the value type
     * @return the value, or empty when absent or expired
     * @throws SerializationException when the stored value is not JSON of that type
     * @throws InvalidKeyException when the key breaks the key rules
     */
    <T> Optional<T> getObject(String key, TypeRef<T> type);

    /**
     * Reads a key with its metadata in one atomic step.
     *
     * @param key the key
     * @return the value, version and expiry, or empty when absent or expired
     * @throws InvalidKeyException when the key breaks the key rules
     */
    Optional<Entry> getEntry(String key);

    /**
     * @param key the key
     * @return {@code true} when the key is present and not expired
     * @throws InvalidKeyException when the key breaks the key rules
     */
    boolean exists(String key);

    /**
     * Reads several keys in one round trip, as one consistent snapshot where the provider can.
     *
     * @param keys the keys; duplicates are read once
     * @return the present keys with copies of their values, in the order of {@code keys}; absent and
     *     expired keys are left out
     * @throws InvalidKeyException when any key breaks the key rules (nothing is read)
     */
    Map<String, byte[]> getAll(Collection<String> keys);

    // ---------------------------------------------------------------- writes

    /**
     * Stores a value that never expires, removing any earlier expiry.
     *
     * @param key the key
     * @param value the value, copied
     * @return the key's new version
     * @throws InvalidKeyException when the key breaks the key rules
     * @throws ValueTooLargeException when the value is over the limit
     * @throws QuotaExceededException when the key is new and the namespace is at {@code maxKeys}
     */
    long set(String key, byte[] value);

    /**
     * Stores a value that expires after {@code ttl}.
     *
     * @param key the key
     * @param value the value, copied
     * @param ttl time to live, at least one millisecond
     * @return the key's new version
     * @throws InvalidArgumentException when {@code ttl} is zero, negative, under a millisecond or longer
     *     than {@link #MAX_DURATION}
     * @throws InvalidKeyException when the key breaks the key rules
     * @throws ValueTooLargeException when the value is over the limit
     * @throws QuotaExceededException when the key is new and the namespace is at {@code maxKeys}
     */
    long set(String key, byte[] value, Duration ttl);

    /**
     * Stores text as UTF-8; otherwise as {@link #set(String, byte[])}.
     *
     * @param key the key
     * @param value the text
     * @return the key's new version
     */
    long setString(String key, String value);

    /**
     * Stores text as UTF-8 with a TTL; otherwise as {@link #set(String, byte[], Duration)}.
     *
     * @param key the key
     * @param value the text
     * @param ttl time to live, at least one millisecond
     * @return the key's new version
     */
    long setString(String key, String value, Duration ttl);

    /**
     * Stores an object as JSON; otherwise as {@link #set(String, byte[])}.
     *
     * @param key the key
     * @param value the object (a record, a collection, a POJO Jackson can map)
     * @return the key's new version
     * @throws SerializationException when the object cannot be written as JSON (nothing is stored)
     */
    long setObject(String key, Object value);

    /**
     * Stores an object as JSON with a TTL; otherwise as {@link #set(String, byte[], Duration)}.
     *
     * @param key the key
     * @param value the object
     * @param ttl time to live, at least one millisecond
     * @return the key's new version
     * @throws SerializationException when the object cannot be written as JSON (nothing is stored)
     */
    long setObject(String key, Object value, Duration ttl);

    /**
     * Stores a value only when the key is absent (or expired), atomically.
     *
     * @param key the key
     * @param value the value, copied
     * @return {@code true} when it was stored, {@code false} when the key was present
     * @throws QuotaExceededException when the key is new and the namespace is at {@code maxKeys}
     */
    boolean setIfAbsent(String key, byte[] value);

    /**
     * As {@link #setIfAbsent(String, byte[])} with a TTL.
     *
     * @param key the key
     * @param value the value, copied
     * @param ttl time to live, at least one millisecond
     * @return {@code true} when it was stored
     */
    boolean setIfAbsent(String key, byte[] value, Duration ttl);

    /**
     * Stores a value only when the key's current version is {@code expectedVersion}; {@link #ABSENT}
     * expects the key to be absent. The value never expires.
     *
     * @param key the key
     * @param expectedVersion the version read earlier, or {@link #ABSENT}
     * @param value the value, copied
     * @return the new version when stored; empty when the current version differs (nothing changed)
     */
    OptionalLong compareAndSet(String key, long expectedVersion, byte[] value);

    /**
     * As {@link #compareAndSet(String, long, byte[])} with a TTL.
     *
     * @param key the key
     * @param expectedVersion the version read earlier, or {@link #ABSENT}
     * @param value the value, copied
     * @param ttl time to live, at least one millisecond
     * @return the new version when stored; empty when the current version differs
     */
    OptionalLong compareAndSet(String key, long expectedVersion, byte[] value, Duration ttl);

    /**
     * Adds {@code delta} to a counter atomically. An absent key counts as {@code 0}. The value is stored
     * as decimal text, so {@link #getString} reads it. The key's expiry, if any, is kept.
     *
     * @param key the key
     * @param delta the amount to add, may be negative
     * @return the value after adding
     * @throws NotACounterException when the stored value is not the decimal text of a {@code long}, or
     *     the sum overflows; nothing changes
     * @throws QuotaExceededException when the key is new and the namespace is at {@code maxKeys}
     */
    long increment(String key, long delta);

    /**
     * @param key the key
     * @return {@code true} when a live key was deleted, {@code false} when it was absent or expired
     */
    boolean delete(String key);

    /**
     * Stores several values atomically (all or none), none of which expires.
     *
     * @param entries keys and values, copied
     * @throws QuotaExceededException when the new keys do not fit under {@code maxKeys} (none are stored)
     */
    void setAll(Map<String, byte[]> entries);

    /**
     * Stores several values atomically, each expiring after {@code ttl}.
     *
     * @param entries keys and values, copied
     * @param ttl time to live, at least one millisecond
     */
    void setAll(Map<String, byte[]> entries, Duration ttl);

    /**
     * Deletes several keys atomically.
     *
     * @param keys the keys; duplicates count once
     * @return how many live keys were deleted
     */
    int deleteAll(Collection<String> keys);

    // ---------------------------------------------------------------- expiry

    /**
     * @param key the key
     * @return the time left before the key expires; empty when the key is absent, expired, or never
     *     expires (use {@link #getEntry} to tell these apart)
     */
    Optional<Duration> ttl(String key);

    /**
     * Sets a key's expiry without changing its value or version.
     *
     * @param key the key
     * @param ttl time to live from now, at least one millisecond
     * @return {@code true} when the key was present, {@code false} when absent (nothing changed)
     */
    boolean expire(String key, Duration ttl);

    /**
     * Removes a key's expiry without changing its value or version.
     *
     * @param key the key
     * @return {@code true} when the key was present
     */
    boolean persist(String key);

    // ---------------------------------------------------------------- listing

    /**
     * @param pattern a glob pattern (see the class documentation)
     * @return every live matching key, in UTF-8 byte order
     * @throws InvalidPatternException when the pattern is malformed
     */
    List<String> keys(String pattern);

    /**
     * Lists the first page of matching keys.
     *
     * @param pattern a glob pattern
     * @param limit the most keys to return, at least 1
     * @return up to {@code limit} keys in UTF-8 byte order, and a cursor when more may follow
     * @throws InvalidPatternException when the pattern is malformed
     * @throws InvalidArgumentException when {@code limit < 1}
     */
    KeyPage keys(String pattern, int limit);

    /**
     * Lists the page of matching keys that comes after {@code afterKey}, which is usually
     * {@link KeyPage#nextCursor()} of the previous page. Keys written or deleted between pages appear or
     * disappear as their position dictates; no key present throughout is skipped or repeated.
     *
     * @param pattern a glob pattern
     * @param afterKey only keys strictly greater (in UTF-8 byte order) are listed; it must itself follow the
     *     key rules (any key of an earlier page does)
     * @param limit the most keys to return, at least 1
     * @return the next page
     * @throws InvalidPatternException when the pattern is malformed
     * @throws InvalidKeyException when {@code afterKey} breaks the key rules (an unpaired surrogate, say)
     * @throws InvalidArgumentException when {@code limit < 1}
     * @throws NullPointerException when {@code afterKey} is {@code null}
     */
    KeyPage keysAfter(String pattern, String afterKey, int limit);

    /**
     * @param pattern a glob pattern
     * @return how many live keys match
     */
    long count(String pattern);

    /**
     * Deletes every live key matching {@code pattern}.
     *
     * @param pattern a glob pattern
     * @return how many keys were deleted
     */
    long deleteMatching(String pattern);

    /**
     * Empties this namespace atomically: afterwards it holds no key, and no other scope (parent, child or
     * sibling) lost anything. Watchers of this namespace receive one {@link ChangeType#CLEAR} event.
     */
    void clear();

    // ---------------------------------------------------------------- transactions

    /**
     * Starts building an atomic transaction in this namespace. Nothing happens until
     * {@link Transaction#commit()}.
     *
     * @return a new transaction builder; not thread-safe, use it from one thread
     */
    Transaction transaction();

    // ---------------------------------------------------------------- watch

    /**
     * Subscribes to changes of keys of this namespace that match {@code pattern}. Events are delivered on a
     * runtime thread (never the writer's), one at a time per subscription, in write order for each key.
     * A {@link ChangeType#CLEAR} event is delivered to every subscription of this namespace. Every change
     * committed after {@code watch} returns is delivered; on providers whose change feed is asynchronous
     * (Redis, SQLite across processes) a change committed just before may be delivered too.
     *
     * <p>Each subscription buffers up to {@code plinth.storage.watchBufferSize} events (default 10,000).
     * A writer never waits for a listener: when the buffer is full, further events are dropped, counted
     * in {@link Subscription#droppedEvents()}, logged at WARN, and one {@link ChangeType#OVERFLOW} event
     * is delivered once the listener catches up, so it knows to re-read. An exception thrown by the
     * listener is logged and does not affect other events or subscriptions.
     *
     * @param pattern a glob pattern
     * @param listener called for each event; never concurrently with itself
     * @return the subscription; close it to stop delivery and free its resources
     * @throws InvalidPatternException when the pattern is malformed
     */
    Subscription watch(String pattern, Consumer<ChangeEvent> listener);

    // ---------------------------------------------------------------- locks

    /**
     * Acquires an exclusive lock named {@code key} in this namespace, waiting up to {@code wait}. Lock names
     * live apart from data keys. The lock has a lease of 30 seconds that the runtime renews while it is
     * held, so a crashed holder's lock frees itself. Locks are not reentrant: a second {@code lock} by the
     * same holder waits like anyone else. Exclusive across threads, and across processes where the
     * provider declares {@code CROSS_PROCESS_LOCKS}.
     *
     * @param key the lock name (same rules as keys)
     * @param wait the longest time to wait, zero up to {@link #MAX_DURATION}
     * @return the held lock; close it to release
     * @throws LockTimeoutException when it stayed held by another owner for all of {@code wait}
     * @throws InvalidArgumentException when {@code wait} is negative or longer than {@link #MAX_DURATION}
     */
    LockHandle lock(String key, Duration wait);

    /**
     * As {@link #lock(String, Duration)} with an explicit lease.
     *
     * @param key the lock name
     * @param wait the longest time to wait, zero up to {@link #MAX_DURATION}
     * @param lease how long the lock outlives a holder that stops renewing it, 100 ms up to
     *     {@link #MAX_DURATION}
     * @return the held lock
     * @throws LockTimeoutException when not acquired within {@code wait}
     * @throws InvalidArgumentException when {@code wait} or {@code lease} is out of range
     */
    LockHandle lock(String key, Duration wait, Duration lease);

    /**
     * Acquires the lock only when it is free now.
     *
     * @param key the lock name
     * @return the held lock, or empty when someone else holds it
     */
    Optional<LockHandle> tryLock(String key);
}
