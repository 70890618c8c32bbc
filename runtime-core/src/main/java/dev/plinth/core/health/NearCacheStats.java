package dev.plinth.core.health;

/**
 * Counts of the near cache since the engine opened, for diagnostics and metrics.
 *
 * @param hits reads answered from the cache
 * @param misses reads that went to the backend
 * @param invalidations keys forgotten because they changed (here or, through the change feed, elsewhere)
 * @param evictions entries dropped to stay within the bound or the time-to-live cap
 * @param scopeDrops whole namespaces (or everything) forgotten: a clear, a pattern delete, a feed gap
 * @param size the entries held now (an estimate)
 */
public record NearCacheStats(long hits, long misses, long invalidations, long evictions, long scopeDrops, long size) {}
