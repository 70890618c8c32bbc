package dev.plinth.core.config;

import dev.plinth.api.storage.KeyValueStore;
import java.time.Duration;

/**
 * Runtime-wide storage settings that apply whatever the provider: configured as
 * {@code plinth.storage.maxValueBytes}, {@code plinth.storage.watchBufferSize} and
 * {@code plinth.storage.lockLease}.
 *
 * @param maxValueBytes the largest value accepted, in bytes
 * @param watchBufferSize events buffered per watch subscription before overflow
 * @param lockLease the lease of locks taken without an explicit one
 */
public record StorageSettings(long maxValueBytes, int watchBufferSize, Duration lockLease) {
    /** 16 MiB. */
    public static final long DEFAULT_MAX_VALUE_BYTES = 16L * 1024 * 1024;
    /** Events per subscription. */
    public static final int DEFAULT_WATCH_BUFFER_SIZE = 10_000;
    /** Lease of a lock taken without an explicit one. */
    public static final Duration DEFAULT_LOCK_LEASE = Duration.ofSeconds(30);

    /**
     * @param maxValueBytes the largest value accepted, in bytes, at least 1
     * @param watchBufferSize events buffered per watch subscription, at least 1
     * @param lockLease the default lock lease, 100 ms up to {@link KeyValueStore#MAX_DURATION}
     * @throws IllegalArgumentException when a value is out of range
     */
    public StorageSettings {
        if (maxValueBytes < 1) {
            throw new IllegalArgumentException("maxValueBytes must be at least 1, was " + maxValueBytes);
        }
        if (watchBufferSize < 1) {
            throw new IllegalArgumentException("watchBufferSize must be at least 1, was " + watchBufferSize);
        }
        if (lockLease.compareTo(KeyValueStore.MAX_DURATION) > 0) {
            throw new IllegalArgumentException("lockLease must be at most KeyValueStore.MAX_DURATION ("
                    + KeyValueStore.MAX_DURATION.toDays() + "d), was " + lockLease);
        }
        if (lockLease.toMillis() < 100) {
            throw new IllegalArgumentException("lockLease must be at least 100ms, was " + lockLease);
        }
    }

    /** @return the defaults: 16 MiB values, 10,000 buffered events, 30 s lock lease */
    public static StorageSettings defaults() {
        return new StorageSettings(DEFAULT_MAX_VALUE_BYTES, DEFAULT_WATCH_BUFFER_SIZE, DEFAULT_LOCK_LEASE);
    }

    /**
     * @param bytes the new limit
     * @return a copy with another value size limit
     */
    public StorageSettings withMaxValueBytes(long bytes) {
        return new StorageSettings(bytes, watchBufferSize, lockLease);
    }

    /**
     * @param size the new buffer size
     * @return a copy with another watch buffer size
     */
    public StorageSettings withWatchBufferSize(int size) {
        return new StorageSettings(maxValueBytes, size, lockLease);
    }

    /**
     * @param lease the new default lease
     * @return a copy with another default lock lease
     */
    public StorageSettings withLockLease(Duration lease) {
        return new StorageSettings(maxValueBytes, watchBufferSize, lease);
    }
}
