package dev.plinth.spi.storage;

import dev.plinth.api.storage.KeyPage;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The namespace-aware engine behind every {@link dev.plinth.api.storage.KeyValueStore}. One backend
 * serves all plugins of a runtime; every method takes the {@link Namespace} as its own argument and must
 * never let one namespace see or change another's keys.
 *
 * <h2>Division of work</h2>
 * The runtime validates keys, patterns, TTLs and value sizes, encodes values, copies arrays, and does
 * locking waits and lease renewal. The backend does the rest natively and atomically, in as few round
 * trips as it can: expiry filtering on every read, versions, compare-and-set, counters, quotas
 * ({@code maxKeys}), transactions, pattern listing in UTF-8 byte order, and clearing.
 *
 * <h2>Rules every backend follows</h2>
 * <ul>
 *   <li>A key whose expiry has passed is absent for every method at once, even before it is reclaimed.</li>
 *   <li>Versions come from one sequence per backend (or per shared database) that only grows, so a key
 *       deleted and re-created gets a larger version than before.</li>
 *   <li>After a change commits, report it to the {@link ChangeListener} given to
 *       {@link StorageProvider#open}, in commit order per key; a failed write changes nothing and reports
 *       nothing. Reclaiming an expired key reports {@link dev.plinth.api.storage.ChangeType#EXPIRE}.</li>
 *   <li>{@code ttlMillis} is a positive time to live, or {@link #NO_EXPIRY}: never expires.</li>
 *   <li>Failures are {@link dev.plinth.api.storage.StorageException}s: unreachable backends throw the
 *       retryable {@link dev.plinth.api.storage.BackendUnavailableException} within the configured
 *       timeout; after {@link #close()} every method throws
 *       {@link dev.plinth.api.storage.StoreClosedException}.</li>
 * </ul>
 *
 * <p>Implementations are thread-safe.
 */
public interface StorageBackend extends AutoCloseable {

    /** {@code ttlMillis} / {@code expiresAtMillis} value meaning "never expires". */
    long NO_EXPIRY = 0L;

    /**
     * @param ns the scope
     * @param key the key
     * @return the live entry, or empty
     */
    Optional<BackendEntry> get(Namespace ns, String key);

    /**
     * @param ns the scope
     * @param keys distinct keys
     * @return the live entries among them, in any order
     */
    List<BackendEntry> getAll(Namespace ns, Collection<String> keys);

    /**
     * @param ns the scope
     * @param key the key
     * @return {@code true} when the key is live
     */
    boolean exists(Namespace ns, String key);

    /**
     * Stores a value, replacing value, version and expiry.
     *
     * @param ns the scope
     * @param key the key
     * @param value the value (already copied; the backend may keep it)
     * @param ttlMillis time to live, or {@link #NO_EXPIRY}
     * @return the new version
     * @throws dev.plinth.api.storage.QuotaExceededException when the key is new and the scope is full
     */
    long set(Namespace ns, String key, byte[] value, long ttlMillis);

    /**
     * Stores a value when the key's live version equals {@code expectedVersion}
     * ({@link dev.plinth.api.storage.KeyValueStore#ABSENT}: absent or expired), atomically.
     *
     * @param ns the scope
     * @param key the key
     * @param expectedVersion the version expected
     * @param value the value
     * @param ttlMillis time to live, or {@link #NO_EXPIRY}
     * @return the new version, or {@link dev.plinth.api.storage.KeyValueStore#ABSENT} when the version
     *     did not match and nothing changed
     * @throws dev.plinth.api.storage.QuotaExceededException when the key is new and the scope is full
     */
    long compareAndSet(Namespace ns, String key, long expectedVersion, byte[] value, long ttlMillis);

    /**
     * Adds to a decimal counter atomically; absent counts as 0; the expiry is kept.
     *
     * @param ns the scope
     * @param key the key
     * @param delta the amount to add
     * @return the new value
     * @throws dev.plinth.api.storage.NotACounterException when the value is not a decimal {@code long}
     *     or the sum overflows
     */
    long increment(Namespace ns, String key, long delta);

    /**
     * @param ns the scope
     * @param key the key
     * @return {@code true} when a live key was deleted
     */
    boolean delete(Namespace ns, String key);

    /**
     * Deletes several keys atomically.
     *
     * @param ns the scope
     * @param keys distinct keys
     * @return how many live keys were deleted
     */
    int deleteAll(Namespace ns, Collection<String> keys);

    /**
     * Sets or removes a live key's expiry, keeping value and version.
     *
     * @param ns the scope
     * @param key the key
     * @param ttlMillis the new time to live, or {@link #NO_EXPIRY} to never expire
     * @return {@code true} when the key was live
     */
    boolean expire(Namespace ns, String key, long ttlMillis);

    /**
     * Lists live keys matching {@code pattern}, in UTF-8 byte order. A pattern with a literal prefix
     * should cost in proportion to the keys under that prefix, not the whole scope.
     *
     * @param ns the scope
     * @param pattern the compiled pattern
     * @param afterKey only keys strictly greater than this are listed; {@code null} starts at the first
     * @param limit the most keys to return, at least 1
     * @return the page; {@link KeyPage#nextCursor()} is the last key returned when more may follow
     */
    KeyPage list(Namespace ns, GlobPattern pattern, String afterKey, int limit);

    /**
     * @param ns the scope
     * @param pattern the compiled pattern
     * @return how many live keys match
     */
    long count(Namespace ns, GlobPattern pattern);

    /**
     * Deletes the live keys matching {@code pattern}, reporting a {@code DELETE} for each.
     *
     * @param ns the scope
     * @param pattern the compiled pattern
     * @return how many were deleted
     */
    long deleteMatching(Namespace ns, GlobPattern pattern);

    /**
     * Removes every key of {@code ns} (not of its child namespaces) atomically, reporting one
     * {@code CLEAR}.
     *
     * @param ns the scope
     */
    void clear(Namespace ns);

    /**
     * Applies writes atomically when every precondition holds, else nothing. Writes apply in order; a
     * {@link Write.Put} for a key also used in setAll-style batches takes the same path.
     *
     * @param ns the scope
     * @param preconditions checked before anything is written; may be empty
     * @param writes applied in order; may be empty
     * @return the new version of each key put, by key (the last put wins)
     * @throws dev.plinth.api.storage.VersionConflictException naming the first failing precondition
     * @throws dev.plinth.api.storage.QuotaExceededException when new keys would exceed {@code maxKeys}
     */
    Map<String, Long> commit(Namespace ns, List<Precondition> preconditions, List<Write> writes);

    /**
     * Takes a lock when it is free (or its lease has lapsed). Lock names are separate from data keys.
     *
     * @param ns the scope
     * @param name the lock name
     * @param token the caller's unique owner token
     * @param leaseMillis how long the lock is held unless renewed
     * @return {@code true} when taken
     */
    boolean tryLock(Namespace ns, String name, String token, long leaseMillis);

    /**
     * Extends a lock's lease, only if {@code token} still owns it.
     *
     * @param ns the scope
     * @param name the lock name
     * @param token the owner token
     * @param leaseMillis the new lease from now
     * @return {@code true} when renewed; {@code false} when the lock was lost
     */
    boolean renewLock(Namespace ns, String name, String token, long leaseMillis);

    /**
     * Releases a lock, only if {@code token} still owns it.
     *
     * @param ns the scope
     * @param name the lock name
     * @param token the owner token
     * @return {@code true} when released
     */
    boolean unlock(Namespace ns, String name, String token);

    /**
     * Diagnostics: how many locks this backend currently tracks in this process (held and not yet
     * reclaimed). Must return to zero once every lock is released, so a registry never leaks.
     *
     * @return the number of lock entries held in memory, or for shared backends the locks this backend
     *     owns
     */
    int lockEntries();

    /**
     * Tells the backend whether anything in this process watches its changes. A runtime calls it with
     * {@code false} right after {@code open} (nothing watches yet), with {@code true} when the first watch
     * starts and with {@code false} when the last one ends, never twice in a row with the same value, and
     * never concurrently. A backend opened without a runtime is never told, and must report changes as if
     * watched.
     *
     * <p>A backend whose change feed costs something per change while nobody listens (a subscription that
     * receives every change, a poll) may stop it on {@code false}. On {@code true} it starts it again and
     * returns once every change committed after the return will be reported; if it cannot within its
     * timeouts, it returns anyway and calls {@link ChangeListener#onChangesMissed} once the feed is up.
     * Changes made while unwatched need never be reported. The default does nothing, which is always
     * correct.
     *
     * @param watched whether any watch is open in this process
     */
    default void setWatched(boolean watched) {
    }

    /**
     * Releases connections, files and threads. Idempotent. Operations running concurrently either finish
     * or throw {@link dev.plinth.api.storage.StoreClosedException}; none hangs.
     */
    @Override
    void close();
}
