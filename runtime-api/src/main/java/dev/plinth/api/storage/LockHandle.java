package dev.plinth.api.storage;

/**
 * A held lock. Thread-safe. Use with try-with-resources; closing releases the lock (only if this handle
 * still owns it) and stops lease renewal. Closing twice is a no-op.
 */
public interface LockHandle extends AutoCloseable {

    /** @return the lock name */
    String key();

    /**
     * @return {@code true} while this handle owns the lock; {@code false} after close, or when the lease
     *     could not be renewed (for example the backend was unreachable for longer than the lease) and
     *     another owner may have taken it
     */
    boolean isHeld();

    /** Releases the lock. Never throws for a lock already lost or released. */
    @Override
    void close();
}
