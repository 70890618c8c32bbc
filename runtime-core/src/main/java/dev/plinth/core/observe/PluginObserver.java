package dev.plinth.core.observe;

/**
 * Receives one plugin's store calls. Called on the plugin's threads, on the hot path of every store call:
 * implementations are thread-safe, take no lock and allocate nothing per call where they can. Keys never
 * reach an observer: only the operation, durations, sizes and the exception's type.
 */
public interface PluginObserver {

    /**
     * A call returned normally.
     *
     * @param operation what it was
     * @param nanos how long it took
     */
    void completed(StoreOperation operation, long nanos);

    /**
     * A call threw.
     *
     * @param operation what it was
     * @param nanos how long it took until it threw
     * @param error what it threw (a {@code StorageException} mostly; its type is what metrics count by)
     */
    void failed(StoreOperation operation, long nanos, RuntimeException error);

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
