package dev.plinth.core.config;

import dev.plinth.api.storage.KeyValueStore;
import java.time.Duration;
import java.util.Objects;

/**
 * The near cache of one plugin's stores (or the default of every plugin), configured under
 * {@code plinth.storage.cache.*} and overridden per plugin under {@code plinth.plugins.<id>.storage.cache.*}.
 *
 * <p>The bound is either a number of entries ({@code maxEntries}) or a number of bytes ({@code maxBytes},
 * weighing each entry by its key and value length), never both: Caffeine bounds a cache by one measure.
 *
 * @param enabled whether reads of these stores are cached
 * @param maxEntries the most entries kept (positive and negative ones together); used when {@code maxBytes}
 *     is 0
 * @param maxBytes the most bytes kept, or 0 to bound by {@code maxEntries}
 * @param ttl the longest an entry stays cached after it was loaded, even while no change arrives: a cap on
 *     the damage of a change the feed never delivers; positive
 * @param negative whether absent keys are remembered too, so repeated misses do not reach the backend
 */
public record CacheSettings(boolean enabled, long maxEntries, long maxBytes, Duration ttl, boolean negative) {
    /** The default entry bound: 10,000. */
    public static final long DEFAULT_MAX_ENTRIES = 10_000;
    /** The default time-to-live cap: 10 minutes. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);

    /**
     * @param enabled whether reads are cached
     * @param maxEntries at least 1
     * @param maxBytes 0 or at least 1
     * @param ttl positive, at most {@link KeyValueStore#MAX_DURATION}
     * @param negative whether absent keys are cached
     * @throws IllegalArgumentException when a value is out of range
     * @throws NullPointerException when {@code ttl} is {@code null}
     */
    public CacheSettings {
        Objects.requireNonNull(ttl, "ttl");
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1, was " + maxEntries);
        }
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must be at least 1 (or unset), was " + maxBytes);
        }
        if (ttl.isZero() || ttl.isNegative() || ttl.compareTo(KeyValueStore.MAX_DURATION) > 0) {
            throw new IllegalArgumentException(
                    "ttl must be positive and at most KeyValueStore.MAX_DURATION, was " + ttl);
        }
    }

    /** @return the cache switched off, with the default bounds should a plugin switch it on */
    public static CacheSettings disabled() {
        return new CacheSettings(false, DEFAULT_MAX_ENTRIES, 0, DEFAULT_TTL, true);
    }

    /** @return the cache switched on with the default bounds: 10,000 entries, 10 minutes, negative caching */
    public static CacheSettings enabledDefaults() {
        return new CacheSettings(true, DEFAULT_MAX_ENTRIES, 0, DEFAULT_TTL, true);
    }

    /**
     * @param entries the new entry bound
     * @return a copy bounded by entries
     */
    public CacheSettings withMaxEntries(long entries) {
        return new CacheSettings(enabled, entries, 0, ttl, negative);
    }

    /**
     * @param bytes the new byte bound
     * @return a copy bounded by bytes
     */
    public CacheSettings withMaxBytes(long bytes) {
        return new CacheSettings(enabled, maxEntries, bytes, ttl, negative);
    }

    /**
     * @param cap the new time-to-live cap
     * @return a copy with that cap
     */
    public CacheSettings withTtl(Duration cap) {
        return new CacheSettings(enabled, maxEntries, maxBytes, cap, negative);
    }
}
