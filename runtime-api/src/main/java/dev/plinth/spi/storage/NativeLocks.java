package dev.plinth.spi.storage;

/**
 * Optional part: lease locks kept by the backend. A provider that declares
 * {@link Capability#CROSS_PROCESS_LOCKS} must implement it, since only the shared backend can exclude
 * other processes. Without it the runtime keeps leases in memory, which excludes every thread of this
 * process. The runtime does the waiting and the renewing; the backend only answers "taken or not".
 * Lock names live apart from data keys.
 */
public interface NativeLocks {

    /**
     * Takes a lock when it is free (or its lease has lapsed).
     *
     * @param ns the namespace
     * @param name the lock name
     * @param token the caller's unique owner token
     * @param leaseMillis how long the lock is held unless renewed, at most
     *     {@code KeyValueStore.MAX_DURATION}
     * @return {@code true} when taken
     */
    boolean tryLock(Namespace ns, String name, String token, long leaseMillis);

    /**
     * Extends a lock's lease, only if {@code token} still owns it.
     *
     * @param ns the namespace
     * @param name the lock name
     * @param token the owner token
     * @param leaseMillis the new lease from now
     * @return {@code true} when renewed; {@code false} when the lock was lost
     */
    boolean renewLock(Namespace ns, String name, String token, long leaseMillis);

    /**
     * Releases a lock, only if {@code token} still owns it.
     *
     * @param ns the namespace
     * @param name the lock name
     * @param token the owner token
     * @return {@code true} when released
     */
    boolean unlock(Namespace ns, String name, String token);

    /**
     * Diagnostics (for operators' metrics and the TCK's leak check): how many lock entries this backend
     * keeps for this process, held ones and lapsed ones not yet reclaimed. Returns to zero once every lock
     * taken through this backend is released, so a lock registry never grows with the names ever locked.
     *
     * @return the number of lock entries this backend owns
     */
    int lockEntries();
}
