package dev.plinth.metrics;

import dev.plinth.api.health.Health;
import dev.plinth.api.plugin.PluginDescriptor;
import dev.plinth.core.PlinthRuntime;
import dev.plinth.core.health.NearCacheStats;
import dev.plinth.core.health.StorageStats;
import dev.plinth.core.health.WatchBacklog;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage gauges of one runtime: figures read at scrape time from {@link PlinthRuntime#storageStats()}
 * (no backend call), the key count of each plugin when a quota makes it worth a count, and the numeric
 * details of the storage health probe (cached by the runtime's health interval). A gauge that cannot be
 * read (the runtime closed, the backend down) reads NaN, as Micrometer's conventions say.
 */
final class StorageGauges {
    private static final Logger LOG = LoggerFactory.getLogger(StorageGauges.class);

    private StorageGauges() {}

    static void bind(MeterRegistry registry, PlinthRuntime runtime) {
        StorageStats now = runtime.storageStats();
        gauge(registry, MeterNames.QUOTA_LIMIT, runtime, r -> r.storageStats().maxKeys(), "maxKeys per scope, 0: none");
        gauge(registry, MeterNames.LOCKS_HELD, runtime, r -> r.storageStats().heldLocks(), "Lock handles held now");
        for (PluginDescriptor d : runtime.plugins()) {
            bindPlugin(registry, runtime, d.id());
        }
        if (now.cache().isPresent()) {
            cacheCounter(
                    registry,
                    MeterNames.CACHE_HITS,
                    runtime,
                    NearCacheStats::hits,
                    "Reads answered from the near cache");
            cacheCounter(
                    registry,
                    MeterNames.CACHE_MISSES,
                    runtime,
                    NearCacheStats::misses,
                    "Reads that went to the backend");
            cacheCounter(
                    registry,
                    MeterNames.CACHE_INVALIDATIONS,
                    runtime,
                    NearCacheStats::invalidations,
                    "Cached keys forgotten because they changed");
            cacheCounter(
                    registry,
                    MeterNames.CACHE_EVICTIONS,
                    runtime,
                    NearCacheStats::evictions,
                    "Cached entries dropped by the bound or the ttl cap");
            cacheCounter(
                    registry,
                    MeterNames.CACHE_SCOPE_DROPS,
                    runtime,
                    NearCacheStats::scopeDrops,
                    "Whole scopes forgotten: clear, pattern delete, change-feed gap");
            gauge(registry, MeterNames.CACHE_SIZE, runtime, r -> cache(r, NearCacheStats::size), "Entries cached now");
        }
        Health probe = runtime.health().storage();
        probe.details().forEach((name, value) -> {
            if (isNumber(value)) {
                Gauge.builder(MeterNames.BACKEND, runtime, r -> detail(r, name))
                        .description("A figure of the storage backend's health probe")
                        .tag(MeterNames.TAG_FIGURE, name)
                        .strongReference(true)
                        .register(registry);
            }
        });
    }

    /** Registers one plugin's storage gauges; registering them again is harmless (Micrometer keeps one). */
    static void bindPlugin(MeterRegistry registry, PlinthRuntime runtime, String id) {
        Gauge.builder(
                        MeterNames.WATCH_SUBSCRIPTIONS,
                        runtime,
                        r -> backlog(r, id).subscriptions())
                .description("Active watch subscriptions")
                .tag(MeterNames.TAG_PLUGIN, id)
                .strongReference(true)
                .register(registry);
        Gauge.builder(MeterNames.WATCH_BUFFERED, runtime, r -> backlog(r, id).bufferedEvents())
                .description("Change events buffered for watch listeners")
                .tag(MeterNames.TAG_PLUGIN, id)
                .strongReference(true)
                .register(registry);
        if (runtime.storageStats().maxKeys() > 0) {
            Gauge.builder(MeterNames.KEYS, runtime, r -> keys(r, id))
                    .description("Live keys in the plugin's scope (read only when maxKeys is set)")
                    .tag(MeterNames.TAG_PLUGIN, id)
                    .strongReference(true)
                    .register(registry);
        }
    }

    private static void gauge(
            MeterRegistry registry,
            String name,
            PlinthRuntime runtime,
            java.util.function.ToDoubleFunction<PlinthRuntime> read,
            String description) {
        Gauge.builder(name, runtime, read)
                .description(description)
                .strongReference(true)
                .register(registry);
    }

    private static void cacheCounter(
            MeterRegistry registry,
            String name,
            PlinthRuntime runtime,
            ToLongFunction<NearCacheStats> figure,
            String description) {
        FunctionCounter.builder(name, runtime, r -> cache(r, figure))
                .description(description)
                .register(registry);
    }

    private static WatchBacklog backlog(PlinthRuntime runtime, String pluginId) {
        return runtime.storageStats().watches().getOrDefault(pluginId, new WatchBacklog(0, 0));
    }

    private static double cache(PlinthRuntime runtime, ToLongFunction<NearCacheStats> figure) {
        return runtime.storageStats()
                .cache()
                .map(figure::applyAsLong)
                .map(Long::doubleValue)
                .orElse(Double.NaN);
    }

    private static double keys(PlinthRuntime runtime, String pluginId) {
        try {
            return runtime.keyCount(pluginId);
        } catch (RuntimeException e) {
            LOG.debug("Could not count the keys of plugin '{}' for metrics: {}", pluginId, e.toString());
            return Double.NaN;
        }
    }

    private static double detail(PlinthRuntime runtime, String name) {
        String value = runtime.health().storage().details().get(name);
        return value != null && isNumber(value) ? Double.parseDouble(value) : Double.NaN;
    }

    private static boolean isNumber(String value) {
        if (value.isEmpty() || value.length() > 19) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < '0' || c > '9') && !(i == 0 && c == '-' && value.length() > 1)) {
                return false;
            }
        }
        return true;
    }
}
