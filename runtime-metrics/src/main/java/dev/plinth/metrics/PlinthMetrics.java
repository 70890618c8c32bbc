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
import java.util.concurrent.ConcurrentHashMap;

/**
 * Plinth's metrics on a Micrometer {@link MeterRegistry}:
 *
 * <pre>{@code
 * MeterRegistry registry = ...; // the host's: Prometheus, OTLP, JMX, a SimpleMeterRegistry in tests
 * try (PlinthRuntime runtime = PlinthRuntime.builder()
 *         .observer(PlinthMetrics.observer(registry))
 *         .build()
 *         .start()) {
 *     PlinthMetrics.bind(registry, runtime); // health and storage gauges
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
        return plugins.computeIfAbsent(pluginId, id -> new PluginMeters(registry, id));
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
     * a plugin installed later has its operation meters but no watch or key gauges until bound again.
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
            String id = d.id();
            Gauge.builder(MeterNames.HEALTH_PLUGIN, runtime, r -> pluginValue(r.health(), id))
                    .description("Plugin health: 1 UP, 0.5 DEGRADED, 0 DOWN")
                    .tag(MeterNames.TAG_PLUGIN, id)
                    .strongReference(true)
                    .register(registry);
        }
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
