package dev.plinth.metrics;

import dev.plinth.api.health.HealthStatus;
import dev.plinth.api.plugin.PluginDescriptor;
import dev.plinth.core.PlinthRuntime;
import dev.plinth.core.health.HealthReport;
import dev.plinth.core.health.PluginHealth;
import dev.plinth.core.observe.PluginObserver;
import dev.plinth.core.observe.StorageObserver;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Plinth's metrics on a Micrometer {@link MeterRegistry}:
 *
 * <pre>{@code
 * MeterRegistry registry = ...; // the host's: Prometheus, OTLP, JMX, a SimpleMeterRegistry in tests
 * PlinthMetrics metrics = PlinthMetrics.observer(registry);
 * try (PlinthRuntime runtime = PlinthRuntime.builder()
 *         .observer(metrics)
 *         .build()
 *         .start()) {
 *     metrics.bind(runtime); // health and storage gauges, also for plugins installed later
 *     ...
 * }
 * }</pre>
 *
 * See {@link MeterNames} for every meter. Meters are made once per plugin (the first time its store is
 * used), so the number of meters depends on the plugins, operations and exception types, never on keys.
 * Thread-safe.
 */
public final class PlinthMetrics implements StorageObserver {
    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, PluginMeters> plugins = new ConcurrentHashMap<>();
    /** The runtime whose gauges {@link #bind(PlinthRuntime)} registered; plugins seen later get theirs. */
    private volatile @Nullable PlinthRuntime bound;
    /** Plugin ids whose gauges are registered on {@link #bound}. */
    private final Set<String> gauged = ConcurrentHashMap.newKeySet();

    private PlinthMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * @param registry where the meters go
     * @return an observer for {@code PlinthRuntime.Builder.observer}
     * @throws NullPointerException when {@code registry} is {@code null}
     */
    public static PlinthMetrics observer(MeterRegistry registry) {
        return new PlinthMetrics(Objects.requireNonNull(registry, "registry"));
    }

    @Override
    public PluginObserver plugin(String pluginId) {
        PluginMeters meters = plugins.computeIfAbsent(pluginId, id -> new PluginMeters(registry, id));
        PlinthRuntime runtime = bound;
        if (runtime != null && gauged.add(pluginId)) {
            pluginGauges(runtime, pluginId);
        }
        return meters;
    }

    /**
     * Registers the health and storage gauges of {@code runtime} ({@link #bind(MeterRegistry, PlinthRuntime)})
     * on this observer's registry, and keeps doing so for plugins that appear later: a plugin installed
     * while the runtime runs gets its per-plugin gauges when its store is first made. Use this rather than
     * the static {@code bind} when plugins are installed at run time.
     *
     * @param runtime a started runtime whose observer is this one
     * @return this
     * @throws NullPointerException when {@code runtime} is {@code null}
     */
    public PlinthMetrics bind(PlinthRuntime runtime) {
        Objects.requireNonNull(runtime, "runtime");
        bind(registry, runtime);
        runtime.plugins().forEach(d -> gauged.add(d.id()));
        bound = runtime;
        for (String id : plugins.keySet()) {
            if (gauged.add(id)) {
                pluginGauges(runtime, id);
            }
        }
        return this;
    }

    private void pluginGauges(PlinthRuntime runtime, String id) {
        pluginHealthGauge(registry, runtime, id);
        StorageGauges.bindPlugin(registry, runtime, id);
    }

    /**
     * Registers the health gauges ({@link #bindHealth}) and the storage gauges ({@link #bindStorage}).
     *
     * @param registry where the gauges go
     * @param runtime a started runtime
     * @throws NullPointerException when an argument is {@code null}
     */
    public static void bind(MeterRegistry registry, PlinthRuntime runtime) {
        bindHealth(registry, runtime);
        bindStorage(registry, runtime);
    }

    /**
     * Registers the storage gauges: quota limit ({@link MeterNames#QUOTA_LIMIT}) and, with a quota, each
     * plugin's key count ({@link MeterNames#KEYS}); held locks; each plugin's watch subscriptions and
     * buffered events; the near cache's counters when it is on; and each numeric figure of the storage
     * health probe ({@link MeterNames#BACKEND}). Per-plugin gauges are made for the plugins present now;
     * for plugins installed later, bind with the observer's {@link #bind(PlinthRuntime)} instead.
     *
     * @param registry where the gauges go
     * @param runtime a started runtime
     * @throws NullPointerException when an argument is {@code null}
     */
    public static void bindStorage(MeterRegistry registry, PlinthRuntime runtime) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(runtime, "runtime");
        StorageGauges.bind(registry, runtime);
    }

    /**
     * Registers the health gauges ({@link MeterNames#HEALTH}, {@link MeterNames#HEALTH_READY},
     * {@link MeterNames#HEALTH_STORAGE}, and {@link MeterNames#HEALTH_PLUGIN} per plugin) reading
     * {@link PlinthRuntime#health()}, whose cache keeps a scrape of all of them to one probe.
     *
     * @param registry where the gauges go
     * @param runtime a started runtime (its plugins are known then)
     * @throws NullPointerException when an argument is {@code null}
     */
    public static void bindHealth(MeterRegistry registry, PlinthRuntime runtime) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(runtime, "runtime");
        Gauge.builder(MeterNames.HEALTH, runtime, r -> value(r.health().status()))
                .description("Plinth health: 1 UP, 0.5 DEGRADED, 0 DOWN")
                .strongReference(true)
                .register(registry);
        Gauge.builder(MeterNames.HEALTH_READY, runtime, r -> r.health().ready() ? 1 : 0)
                .description("1 when the runtime is ready (running, storage not DOWN)")
                .strongReference(true)
                .register(registry);
        Gauge.builder(
                        MeterNames.HEALTH_STORAGE,
                        runtime,
                        r -> value(r.health().storage().status()))
                .description("Storage probe: 1 UP, 0.5 DEGRADED, 0 DOWN")
                .strongReference(true)
                .register(registry);
        for (PluginDescriptor d : runtime.plugins()) {
            pluginHealthGauge(registry, runtime, d.id());
        }
    }

    private static void pluginHealthGauge(MeterRegistry registry, PlinthRuntime runtime, String id) {
        Gauge.builder(MeterNames.HEALTH_PLUGIN, runtime, r -> pluginValue(r.health(), id))
                .description("Plugin health: 1 UP, 0.5 DEGRADED, 0 DOWN")
                .tag(MeterNames.TAG_PLUGIN, id)
                .strongReference(true)
                .register(registry);
    }

    private static double pluginValue(HealthReport report, String id) {
        return report.plugin(id)
                .map(PluginHealth::status)
                .map(PlinthMetrics::value)
                .orElse(0.0);
    }

    static double value(HealthStatus status) {
        return switch (status) {
            case UP -> 1.0;
            case DEGRADED -> 0.5;
            case DOWN -> 0.0;
        };
    }
}
