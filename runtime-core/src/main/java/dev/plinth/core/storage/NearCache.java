package dev.plinth.core.storage;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.plinth.api.storage.ChangeType;
import dev.plinth.core.config.CacheSettings;
import dev.plinth.core.config.StorageLayers;
import dev.plinth.core.health.NearCacheStats;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.StorageBackend;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The near cache's state and its coherence: the cached entries of every plugin (one bounded Caffeine cache
 * per distinct {@link CacheSettings}), and the invalidation of those entries by the change feed. It sits in
 * the feed's path as a {@link ChangeListener} in front of the watch hub, so a key is invalidated before any
 * watcher hears of its change; {@link CachingBackendOps} reads and fills it.
 *
 * <p>Coherence rests on one rule: an entry loaded from the backend is kept only if no change to its key (and
 * no whole-scope drop) was reported while it was being loaded. Each invalidation first bumps a counter
 * (one of {@link #STRIPES} by key hash, or the {@link #epoch} for a whole scope), then removes the entry; a
 * load reads the counters before asking the backend, and stores its result only if they have not moved,
 * checking and storing atomically under the entry's lock (which the removal takes too). Either the bump
 * comes before the check (nothing is stored), or the removal comes after the store (it removes it), so a
 * value older than a reported change is never served once the report is through. Thread-safe; a hit takes
 * no lock.
 */
final class NearCache implements ChangeListener {
    /** The stand-in for "the backend had no such key" (negative caching). */
    static final BackendEntry ABSENT = new BackendEntry("", new byte[0], 0, StorageBackend.NO_EXPIRY);

    /** @return whether {@code e} is the {@link #ABSENT} stand-in (by identity: no real entry can be it) */
    @SuppressWarnings("ReferenceEquality")
    static boolean isAbsent(BackendEntry e) {
        return e == ABSENT;
    }

    /** Counters that loads of keys hashing to them check; a power of two. */
    static final int STRIPES = 4096;

    /** What an entry costs beyond its key and value bytes, for a byte bound. */
    private static final int ENTRY_OVERHEAD = 64;

    private final ChangeListener downstream;
    private final InstantSource clock;
    private final Map<String, CacheSettings> byPlugin;
    private final CacheSettings defaults;
    private final Map<CacheSettings, Cache<CacheKey, BackendEntry>> caches = new HashMap<>();
    /** The region of every plugin without its own settings. */
    private final Region defaultRegion;
    /** Regions of plugins, by plugin id (nested namespaces share their plugin's): as many as plugins. */
    private final Map<String, Region> pluginRegions = new ConcurrentHashMap<>();
    /** Chosen once: with no per-plugin settings every namespace has the default region, with no lookup. */
    private final Function<Namespace, Region> regionOf;

    private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);
    private final AtomicLong epoch = new AtomicLong();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder invalidations = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final LongAdder scopeDrops = new LongAdder();

    /**
     * @param layers which plugins are cached, and how
     * @param clock the engine's clock, which says whether a cached entry has expired
     * @param downstream where changes go after invalidating (the watch hub)
     */
    NearCache(StorageLayers layers, InstantSource clock, ChangeListener downstream) {
        this.downstream = downstream;
        this.clock = clock;
        this.byPlugin = layers.pluginCache();
        this.defaults = layers.cache();
        if (defaults.enabled()) {
            caches.put(defaults, build(defaults));
        }
        for (CacheSettings s : byPlugin.values()) {
            if (s.enabled()) {
                caches.computeIfAbsent(s, this::build);
            }
        }
        this.defaultRegion = regionFor(defaults);
        this.regionOf = byPlugin.isEmpty() ? ns -> defaultRegion : this::pluginRegion;
    }

    private Cache<CacheKey, BackendEntry> build(CacheSettings s) {
        Caffeine<CacheKey, BackendEntry> b = Caffeine.newBuilder()
                .expireAfterWrite(s.ttl().toNanos(), TimeUnit.NANOSECONDS)
                // Maintenance on the caller: no task for the shared common pool, and evictions counted at once.
                .executor(Runnable::run)
                .removalListener((CacheKey k, BackendEntry v, RemovalCause cause) -> {
                    if (cause.wasEvicted()) {
                        evictions.increment();
                    }
                });
        if (s.maxBytes() > 0) {
            b = b.maximumWeight(s.maxBytes()).weigher((CacheKey k, BackendEntry v) -> weight(k, v));
        } else {
            b = b.maximumSize(s.maxEntries());
        }
        return b.build();
    }

    private static int weight(CacheKey k, BackendEntry v) {
        long w = ENTRY_OVERHEAD + 2L * k.key.length() + v.value().length;
        return (int) Math.min(Integer.MAX_VALUE, w);
    }

    /** @return the region of {@code ns}: its plugin's cache, or none (the plugin is not cached) */
    Region region(Namespace ns) {
        return regionOf.apply(ns);
    }

    private Region pluginRegion(Namespace ns) {
        String id = ns.pluginId();
        Region r = pluginRegions.get(id);
        return r != null ? r : pluginRegions.computeIfAbsent(id, p -> regionFor(byPlugin.getOrDefault(p, defaults)));
    }

    private Region regionFor(CacheSettings s) {
        return new Region(s.enabled() ? caches.get(s) : null, s.negative());
    }

    // ------------------------------------------------------------------------------ the read path

    /**
     * @return the cached entry ({@link #ABSENT} for a cached miss), or {@code null} when nothing usable is
     *     cached; an expired entry is never returned
     */
    @Nullable
    BackendEntry lookup(Region region, CacheKey key) {
        Cache<CacheKey, BackendEntry> cache = region.cache;
        BackendEntry e = cache.getIfPresent(key);
        if (e == null) {
            misses.increment();
            return null;
        }
        long at = e.expiresAtMillis();
        if (at != StorageBackend.NO_EXPIRY && at <= clock.millis()) {
            cache.asMap().remove(key, e);
            misses.increment();
            return null;
        }
        hits.increment();
        return e;
    }

    /** @return the token a load takes before asking the backend, for {@link #offer} */
    long stripeToken(CacheKey key) {
        return stripes.get(key.stripe);
    }

    /** @return the epoch a load takes before asking the backend, for {@link #offer} */
    long epochToken() {
        return epoch.get();
    }

    /**
     * Keeps what a load found, unless a change to the key was reported since the tokens were taken.
     *
     * @param loaded the backend's entry, or {@code null} when it had none
     */
    void offer(Region region, CacheKey key, @Nullable BackendEntry loaded, long stripeToken, long epochToken) {
        BackendEntry value = loaded != null ? loaded : region.negative ? ABSENT : null;
        if (value == null) {
            return;
        }
        // Checked and stored in one step under the entry's lock, which an invalidation's removal also takes:
        // a value put first and taken out after a check could be read by another thread in between.
        region.cache
                .asMap()
                .compute(
                        key,
                        (k, old) -> stripes.get(k.stripe) == stripeToken && epoch.get() == epochToken ? value : old);
    }

    // ------------------------------------------------------------------------------ invalidation

    /** Forgets one key, whoever changed it: this process's write, or another's through the feed. */
    void invalidate(Namespace ns, String key) {
        CacheKey k = new CacheKey(ns, key);
        stripes.incrementAndGet(k.stripe);
        Region r = regionOf.apply(ns);
        if (r.cache != null) {
            r.cache.invalidate(k);
        }
        invalidations.increment();
    }

    /** Forgets every key of {@code ns} and of the namespaces nested in it. */
    void dropScope(Namespace ns) {
        epoch.incrementAndGet();
        String nested = ns.path() + "/";
        drop(k -> k.ns.equals(ns) || k.ns.path().startsWith(nested));
    }

    /** Forgets the keys of {@code ns} that {@code pattern} matches. */
    void dropMatching(Namespace ns, GlobPattern pattern) {
        epoch.incrementAndGet();
        drop(k -> k.ns.equals(ns) && pattern.matches(k.key));
    }

    /** Forgets everything: the feed may have missed changes anywhere. */
    void dropAll() {
        epoch.incrementAndGet();
        for (Cache<CacheKey, BackendEntry> c : caches.values()) {
            c.invalidateAll();
        }
        scopeDrops.increment();
    }

    private void drop(Predicate<CacheKey> which) {
        for (Cache<CacheKey, BackendEntry> c : caches.values()) {
            c.asMap().keySet().removeIf(which);
        }
        scopeDrops.increment();
    }

    @Override
    public void onChange(Namespace namespace, ChangeType type, @Nullable String key, long version) {
        try {
            if (type == ChangeType.CLEAR || key == null) {
                dropScope(namespace);
            } else {
                invalidate(namespace, key);
            }
        } finally {
            downstream.onChange(namespace, type, key, version);
        }
    }

    @Override
    public void onChangesMissed(String cause) {
        try {
            dropAll();
        } finally {
            downstream.onChangesMissed(cause);
        }
    }

    /** Empties every cache, at close. */
    void clearAll() {
        for (Cache<CacheKey, BackendEntry> c : caches.values()) {
            c.invalidateAll();
            c.cleanUp();
        }
    }

    /** Runs pending eviction work, so {@link #stats()} shows the bound applied (tests). */
    void cleanUp() {
        for (Cache<CacheKey, BackendEntry> c : caches.values()) {
            c.cleanUp();
        }
    }

    /** @return the counters so far, and the number of entries held */
    NearCacheStats stats() {
        long size = 0;
        for (Cache<CacheKey, BackendEntry> c : caches.values()) {
            size += c.estimatedSize();
        }
        return new NearCacheStats(
                hits.sum(), misses.sum(), invalidations.sum(), evictions.sum(), scopeDrops.sum(), size);
    }

    /** @return the cached keys of {@code ns}, for tests */
    List<String> cachedKeys(Namespace ns) {
        List<String> out = new ArrayList<>();
        for (Cache<CacheKey, BackendEntry> c : caches.values()) {
            c.asMap().keySet().forEach(k -> {
                if (k.ns.equals(ns)) {
                    out.add(k.key);
                }
            });
        }
        return out;
    }

    /**
     * A plugin's view of the cache: its Caffeine cache (or {@code null} when that plugin is not cached) and
     * whether misses are remembered. Made once per plugin (once in all, without per-plugin settings).
     */
    static final class Region {
        final @Nullable Cache<CacheKey, BackendEntry> cache;
        final boolean negative;

        Region(@Nullable Cache<CacheKey, BackendEntry> cache, boolean negative) {
            this.cache = cache;
            this.negative = negative;
        }
    }

    /** A key within a namespace, with its hash and stripe computed once. */
    static final class CacheKey {
        final Namespace ns;
        final String key;
        final int hash;
        final int stripe;

        CacheKey(Namespace ns, String key) {
            this.ns = ns;
            this.key = key;
            int h = ns.hashCode() * 31 + key.hashCode();
            this.hash = h;
            this.stripe = (h ^ (h >>> 16)) & (STRIPES - 1);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof CacheKey other && other.hash == hash && other.key.equals(key) && other.ns.equals(ns);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
