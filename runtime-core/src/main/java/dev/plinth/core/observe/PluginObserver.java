package dev.plinth.core.observe;

/**
 * Receives one plugin's store calls. Called on the plugin's threads, on the hot path of every store call:
 * implementations are thread-safe, take no lock and allocate nothing per call where they can. Keys never
 * reach an observer: only the operation, durations, sizes and the exception's type.
 *
 * <p>A call is bracketed by {@link #start} and then exactly one of {@link #completed} or {@link #failed},
 * on the same thread, with the stamp {@code start} returned. The observer chooses which calls it times:
 * reading the clock twice costs about as much as a memory get, so an observer may time a sample of the
 * fast calls and return {@link #NOT_TIMED} for the others. Callers may also pass their own
 * {@link System#nanoTime()} reading as the stamp (lock waits are always timed this way).
 */
public interface PluginObserver {

    /** The stamp {@link #start} returns for a call it does not time; never a {@link System#nanoTime()} reading in practice. */
    long NOT_TIMED = Long.MIN_VALUE;

    /**
     * A call begins.
     *
     * @param operation what it is
     * @return {@link System#nanoTime()} when the observer times this call, else {@link #NOT_TIMED}
     */
    long start(StoreOperation operation);

    /**
     * A call returned normally.
     *
     * @param operation what it was
     * @param start what {@link #start} returned for it (or the caller's own {@link System#nanoTime()} reading)
     */
    void completed(StoreOperation operation, long start);

    /**
     * A call threw.
     *
     * @param operation what it was
     * @param start what {@link #start} returned for it (or the caller's own {@link System#nanoTime()} reading)
     * @param error what it threw (a {@code StorageException} mostly; its type is what metrics count by)
     */
    void failed(StoreOperation operation, long start, RuntimeException error);

    /**
     * A call that read a value returned normally: the same as {@link #bytesRead} then {@link #completed},
     * in one call so that an observer can record both with one lookup of its per-thread figures.
     *
     * @param operation what it was
     * @param start what {@link #start} returned for it
     * @param bytes value bytes it returned
     */
    default void completedRead(StoreOperation operation, long start, long bytes) {
        bytesRead(bytes);
        completed(operation, start);
    }

    /**
     * A call that wrote a value returned normally: the same as {@link #bytesWritten} then
     * {@link #completed}, in one call (see {@link #completedRead}).
     *
     * @param operation what it was
     * @param start what {@link #start} returned for it
     * @param bytes value bytes it handed to storage
     */
    default void completedWrite(StoreOperation operation, long start, long bytes) {
        bytesWritten(bytes);
        completed(operation, start);
    }

    /**
     * @param bytes value bytes a write handed to storage ({@code byte[]} and {@code String} values, as
     *     UTF-8; object values are encoded below this layer and not counted)
     */
    void bytesWritten(long bytes);

    /** @param bytes value bytes a read returned ({@code byte[]} and {@code String} values, as UTF-8) */
    void bytesRead(long bytes);

    /**
     * A lock or tryLock ended.
     *
     * @param nanos how long the caller waited
     * @param acquired {@code false} when it timed out (lock) or the lock was held (tryLock)
     */
    void lockWaited(long nanos, boolean acquired);

    /**
     * A watch listener got an OVERFLOW event: its buffer had filled and events were dropped.
     *
     * @param dropped how many events were dropped since the previous overflow of that subscription
     */
    void watchOverflowed(long dropped);
}
