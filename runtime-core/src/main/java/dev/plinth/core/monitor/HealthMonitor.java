package dev.plinth.core.monitor;

import dev.plinth.api.health.Health;
import dev.plinth.api.health.HealthStatus;
import dev.plinth.api.plugin.PluginState;
import dev.plinth.core.health.HealthReport;
import dev.plinth.core.health.PluginHealth;
import dev.plinth.core.storage.StorageEngine;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the runtime's {@link HealthReport}: cached for {@code plinth.health.cacheTtl}; when stale, one caller
 * refreshes it (the others wait for that refresh, never start their own) by starting the storage probe and
 * every started plugin's checks at once, each on the monitor's daemon threads ({@code plinth-health-N}), and
 * waiting for all of them until one shared deadline, {@code plinth.health.timeout} away. A part that has not
 * answered by then is DOWN; it is not called again until it returns ({@link BoundedProbe}). So one
 * {@link #report()} returns within about the timeout whatever the parts do, and costs one probe per part per
 * cache period at most. Every change of the overall status is logged at INFO with the reasons.
 *
 * <p>Thread-safe.
 */
public final class HealthMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);
    /** Waiting for another caller's refresh allows this much beyond the timeout, for its bookkeeping. */
    private static final long MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /** A storage probe running this many timeouts means the backend ignores its own timeouts: not live. */
    private static final int STUCK_AFTER_TIMEOUTS = 3;

    /**
     * One plugin as the monitor sees it.
     *
     * @param id its id
     * @param state its current lifecycle state
     * @param checks the checks it registered
     */
    public record Monitored(String id, Supplier<PluginState> state, PluginChecks checks) {}

    private record Cached(HealthReport report, long madeAtNanos) {}

    private final String providerId;
    private final BoundedProbe storage;
    /** The plugins to report on, asked at each report: run-time control adds and removes them. */
    private final Supplier<List<Monitored>> plugins;

    private final HealthSettings settings;
    private final Supplier<String> runtimeStatus;
    private final LongSupplier nanos;
    private final InstantSource clock;
    private final ExecutorService executor;
    private final AtomicReference<CompletableFuture<HealthReport>> inFlight = new AtomicReference<>();
    private final AtomicReference<HealthStatus> lastLogged = new AtomicReference<>(HealthStatus.UP);
    private volatile Cached cached;

    /**
     * @param providerId the storage provider's id
     * @param engine the open storage
     * @param plugins the enabled plugins, in start order
     * @param settings timeout and cache period
     * @param runtimeStatus what the runtime is doing (NEW, STARTING, RUNNING, CLOSED): only while RUNNING is
     *     storage probed; otherwise the report is DOWN
     */
    public HealthMonitor(
            String providerId,
            StorageEngine engine,
            List<Monitored> plugins,
            HealthSettings settings,
            Supplier<String> runtimeStatus) {
        this(providerId, engine, fixed(plugins), settings, runtimeStatus);
    }

    /**
     * @param providerId the storage provider's id
     * @param engine the open storage
     * @param plugins the plugins to report on, asked at each report (in start order)
     * @param settings timeout and cache period
     * @param runtimeStatus what the runtime is doing (see the other constructor)
     */
    public HealthMonitor(
            String providerId,
            StorageEngine engine,
            Supplier<List<Monitored>> plugins,
            HealthSettings settings,
            Supplier<String> runtimeStatus) {
        this(
                providerId,
                StorageProbes.of(engine),
                plugins,
                settings,
                runtimeStatus,
                System::nanoTime,
                InstantSource.system());
    }

    HealthMonitor(
            String providerId,
            dev.plinth.api.health.HealthCheck storageProbe,
            List<Monitored> plugins,
            HealthSettings settings,
            Supplier<String> runtimeStatus,
            LongSupplier nanos,
            InstantSource clock) {
        this(providerId, storageProbe, fixed(plugins), settings, runtimeStatus, nanos, clock);
    }

    private static Supplier<List<Monitored>> fixed(List<Monitored> plugins) {
        List<Monitored> copy = List.copyOf(plugins);
        return () -> copy;
    }

    private HealthMonitor(
            String providerId,
            dev.plinth.api.health.HealthCheck storageProbe,
            Supplier<List<Monitored>> plugins,
            HealthSettings settings,
            Supplier<String> runtimeStatus,
            LongSupplier nanos,
            InstantSource clock) {
        this.providerId = providerId;
        this.storage = new BoundedProbe("storage provider '" + providerId + "'", storageProbe);
        this.plugins = plugins;
        this.settings = settings;
        this.runtimeStatus = runtimeStatus;
        this.nanos = nanos;
        this.clock = clock;
        this.executor = newExecutor();
    }

    /** Threads for the parts' calls: made when needed, gone after a minute idle, daemon. */
    private static ExecutorService newExecutor() {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool =
                new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "plinth-health-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        return pool;
    }

    /**
     * @return the current report: the cached one while it is fresh, else a new one, made within about
     *     {@code plinth.health.timeout}
     */
    public HealthReport report() {
        String phase = runtimeStatus.get();
        if (!"RUNNING".equals(phase)) {
            // Not from the cache: a runtime that is closing or closed is DOWN at once.
            return notRunning(HealthStatus.DOWN, "the runtime is " + phase);
        }
        Cached c = cached;
        long ttl = settings.cacheTtl().toNanos();
        if (c != null && nanos.getAsLong() - c.madeAtNanos() < ttl) {
            return c.report();
        }
        CompletableFuture<HealthReport> mine = new CompletableFuture<>();
        CompletableFuture<HealthReport> other = inFlight.compareAndExchange(null, mine);
        if (other == null) {
            try {
                HealthReport r = refresh();
                cached = new Cached(r, nanos.getAsLong());
                mine.complete(r);
                logChange(r);
                return r;
            } catch (RuntimeException | Error e) {
                mine.completeExceptionally(e);
                throw e;
            } finally {
                inFlight.set(null);
            }
        }
        try {
            return other.get(settings.timeout().toNanos() + MARGIN_NANOS, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // fall through to the last report, or a DOWN one
        }
        return c != null ? c.report() : notRunning(HealthStatus.DOWN, "the first health report is still being made");
    }

    private HealthReport refresh() {
        String phase = runtimeStatus.get();
        if (!"RUNNING".equals(phase)) {
            return notRunning(HealthStatus.DOWN, "the runtime is " + phase);
        }
        Duration bound = settings.timeout();
        long start = nanos.getAsLong();
        long deadline = start + bound.toNanos();
        BoundedProbe.Call storageCall = storage.start(executor, start);
        Map<String, PluginState> states = new LinkedHashMap<>();
        Map<String, Map<String, BoundedProbe.Call>> calls = new LinkedHashMap<>();
        for (Monitored p : plugins.get()) {
            PluginState state = p.state().get();
            states.put(p.id(), state);
            Map<String, BoundedProbe.Call> mine = new LinkedHashMap<>();
            if (state == PluginState.STARTED) {
                p.checks().snapshot().forEach((name, probe) -> mine.put(name, probe.start(executor, start)));
            }
            calls.put(p.id(), mine);
        }
        Health storageHealth = BoundedProbe.await(storageCall, nanos.getAsLong(), deadline, bound);
        HealthStatus overall = storageHealth.status();
        Map<String, PluginHealth> pluginHealth = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, BoundedProbe.Call>> e : calls.entrySet()) {
            PluginState state = states.get(e.getKey());
            Map<String, Health> checks = new LinkedHashMap<>();
            HealthStatus status = switch (state) {
                case STARTED -> HealthStatus.UP;
                case CREATED, INITIALIZED -> HealthStatus.DEGRADED;
                default -> HealthStatus.DOWN;
            };
            for (Map.Entry<String, BoundedProbe.Call> c : e.getValue().entrySet()) {
                Health h = BoundedProbe.await(c.getValue(), nanos.getAsLong(), deadline, bound);
                checks.put(c.getKey(), h);
                status = status.worse(h.status());
            }
            pluginHealth.put(e.getKey(), new PluginHealth(state, status, checks));
            if (status != HealthStatus.UP) {
                overall = overall.worse(HealthStatus.DEGRADED);
            }
        }
        long stuck = storage.runningForNanos(nanos.getAsLong());
        boolean live = stuck < STUCK_AFTER_TIMEOUTS * bound.toNanos();
        boolean ready = storageHealth.status() != HealthStatus.DOWN;
        return new HealthReport(overall, ready, live, providerId, storageHealth, pluginHealth, clock.instant());
    }

    /** A report for a runtime that is not running: DOWN (or as given), not ready, storage not probed. */
    private HealthReport notRunning(HealthStatus status, String why) {
        Map<String, PluginHealth> pluginHealth = new LinkedHashMap<>();
        for (Monitored p : plugins.get()) {
            pluginHealth.put(p.id(), new PluginHealth(p.state().get(), HealthStatus.DOWN, Map.of()));
        }
        return new HealthReport(
                status,
                false,
                !"CLOSED".equals(runtimeStatus.get()),
                providerId,
                Health.down(why),
                pluginHealth,
                clock.instant());
    }

    private void logChange(HealthReport r) {
        HealthStatus before = lastLogged.getAndSet(r.status());
        if (before != r.status()) {
            LOG.info("Plinth health changed from {} to {}", before, r.summary());
        }
    }

    /**
     * @param state what the runtime is doing (NEW, STARTING, CLOSED)
     * @param providerId the storage provider, when known
     * @return the report of a runtime that has no monitor (yet, or any more): DOWN, not ready, not live
     *     once closed
     */
    public static HealthReport without(String state, String providerId, Map<String, PluginState> plugins) {
        Map<String, PluginHealth> pluginHealth = new LinkedHashMap<>();
        plugins.forEach((id, s) -> pluginHealth.put(id, new PluginHealth(s, HealthStatus.DOWN, Map.of())));
        return new HealthReport(
                HealthStatus.DOWN,
                false,
                !"CLOSED".equals(state),
                providerId,
                Health.down("the runtime is " + state),
                pluginHealth,
                InstantSource.system().instant());
    }

    /** Stops the monitor's threads; later reports say the runtime is not running. */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}
