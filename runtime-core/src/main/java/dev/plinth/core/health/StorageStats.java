package dev.plinth.core.health;

import java.util.Map;
import java.util.Optional;

/**
 * Figures the storage engine keeps anyway, for metrics: reading them costs no backend call. A snapshot;
 * immutable.
 *
 * @param maxKeys the configured {@code maxKeys} per scope, 0 when unlimited
 * @param heldLocks lock handles held by plugins now (not yet closed)
 * @param watches per plugin id with at least one watch, in plugin id order: its subscriptions and buffered
 *     events; unmodifiable
 * @param cache the near cache's counts, empty when no plugin's reads are cached
 */
public record StorageStats(
        long maxKeys, int heldLocks, Map<String, WatchBacklog> watches, Optional<NearCacheStats> cache) {

    /**
     * @throws NullPointerException when {@code watches} or {@code cache} is {@code null}
     */
    public StorageStats {
        watches = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(watches));
        java.util.Objects.requireNonNull(cache, "cache");
    }

    /** @return the figures of a runtime without open storage: no quota, locks, watches or cache */
    public static StorageStats none() {
        return new StorageStats(0, 0, Map.of(), Optional.empty());
    }
}
