package dev.plinth.core;

import dev.plinth.api.ConfigurationException;
import dev.plinth.api.plugin.Plugin;
import dev.plinth.api.plugin.PluginDescriptor;
import dev.plinth.api.plugin.PluginIds;
import dev.plinth.api.plugin.PluginLifecycleException;
import dev.plinth.api.plugin.PluginLifecycleException.Phase;
import dev.plinth.api.plugin.PluginState;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.core.config.ConfigKeys;
import dev.plinth.core.config.ConfigValidator;
import dev.plinth.core.config.EffectiveConfig;
import dev.plinth.core.config.PlinthConfig;
import dev.plinth.core.config.RuntimeSettings;
import dev.plinth.core.config.SectionPluginConfig;
import dev.plinth.core.discovery.ProviderCandidate;
import dev.plinth.core.discovery.ProviderSelector;
import dev.plinth.core.health.HealthReport;
import dev.plinth.core.lifecycle.DependencyGraph;
import dev.plinth.core.lifecycle.LifecycleManager;
import dev.plinth.core.lifecycle.ManagedPlugin;
import dev.plinth.core.lifecycle.PluginServices;
import dev.plinth.core.lifecycle.PluginStateHolder;
import dev.plinth.core.lifecycle.RuntimePluginContext;
import dev.plinth.core.lifecycle.SharedServices;
import dev.plinth.core.lifecycle.StartupAbort;
import dev.plinth.core.monitor.HealthMonitor;
import dev.plinth.core.monitor.HealthSettings;
import dev.plinth.core.monitor.PluginChecks;
import dev.plinth.core.observe.StorageObserver;
import dev.plinth.core.observed.ObservedStore;
import dev.plinth.core.storage.StorageEngine;
import dev.plinth.spi.storage.StorageProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Plinth runtime: its plugins, their configuration and the storage they share.
 *
 * <pre>{@code
 * try (PlinthRuntime runtime = PlinthRuntime.builder()
 *         .config(PlinthConfig.standard(Path.of("plinth.properties")))
 *         .plugin(new MyPlugin())
 *         .build()
 *         .start()) {
 *     ...
 * }
 * }</pre>
 *
 * <h2>start()</h2>
 * In this order, failing fast before anything is opened: discover plugins (builder + ServiceLoader on the
 * builder's class loader), discover storage providers (unless one was given to the builder), merge the
 * configuration, choose the provider ({@link ProviderSelector}), reject unknown keys
 * ({@link ConfigValidator}), parse settings and provider options, order the enabled plugins
 * ({@link DependencyGraph}), open storage, then {@code init} and {@code start} every plugin
 * ({@link LifecycleManager}), each call on its own thread and bounded by {@code plinth.runtime.startTimeout}.
 * A failure after storage was opened (a throw, or a call that overran and was abandoned) shuts down what was
 * initialised, closes storage and rethrows.
 *
 * <h2>close()</h2>
 * Shuts plugins down in reverse order (each bounded by {@code plinth.runtime.shutdownTimeout}), then
 * closes storage, even when some fail. When anything failed, {@code close()} <em>throws</em> one
 * {@link PluginLifecycleException} (phase SHUTDOWN) carrying every failure as a suppressed exception, after
 * everything was closed. It is idempotent (later calls return at once), thread-safe (one close at a time;
 * other callers wait for it) and safe from a JVM shutdown hook ({@link #registerShutdownHook()}, which logs
 * instead of throwing). A {@code close()} from another thread while {@code start()} runs (a SIGTERM during
 * startup, through the shutdown hook) aborts the startup: the plugin in {@code init}/{@code start} is
 * interrupted and given {@code plinth.runtime.shutdownTimeout} to return, no further plugin is called,
 * what was initialised is shut down, storage is closed, {@code start()} throws a
 * {@link PluginLifecycleException} saying it was aborted, and {@code close()} returns once that is done.
 * A plugin thread that was abandoned never holds up {@code close()}.
 *
 * <p>Its size (about 500 lines) is mostly javadoc and the builder: the host's one entry point documents the
 * whole lifecycle here, while the work itself lives in StartupPlan, LifecycleManager and StorageEngine.
 */
public final class PlinthRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PlinthRuntime.class);

    private enum Status {
        NEW,
        STARTING,
        RUNNING,
        CLOSED
    }

    private final Object lock = new Object();
    private final PlinthConfig config;
    private final ClassLoader loader;
    private final List<Plugin> registered;
    private final StorageProvider explicitProvider;
    private final boolean discoverPlugins;
    private final StorageObserver observer;
    private final CountDownLatch terminated = new CountDownLatch(1);

    private volatile Status status = Status.NEW;
    private volatile Map<String, ManagedPlugin> active = Map.of();
    private volatile Set<String> disabled = Set.of();
    private volatile StorageEngine engine;
    private volatile String providerId;
    private volatile HealthMonitor monitor;
    /** Gives a plugin id's store: the engine's, or, with an observer, the engine's wrapped to report calls. */
    private volatile Function<String, KeyValueStore> stores;

    private LifecycleManager lifecycle;
    private StartupAbort startupAbort;
    /** How long close() waits for an aborted startup: the configured shutdown bound once it is known. */
    private volatile Duration rollbackBound = RuntimeSettings.DEFAULT_SHUTDOWN_TIMEOUT;

    private Thread shutdownHook;

    private PlinthRuntime(Builder b) {
        this.config = b.config != null ? b.config : PlinthConfig.standard(null);
        this.loader = b.classLoader != null ? b.classLoader : PlinthRuntime.class.getClassLoader();
        this.registered = List.copyOf(b.plugins);
        this.explicitProvider = b.storageProvider;
        this.discoverPlugins = b.discoverPlugins;
        this.observer = b.observer;
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the runtime (see the class description). May be called once.
     *
     * @return this
     * @throws ConfigurationException when configuration or provider selection is wrong; nothing was opened
     * @throws dev.plinth.api.storage.StorageOpenException when the storage provider cannot open its backend
     *     (naming the file, host or option); no plugin was called
     * @throws PluginLifecycleException when the plugin graph is invalid (phase RESOLVE), a plugin's
     *     {@code init}/{@code start} throws or overruns {@code plinth.runtime.startTimeout} (phase INIT or
     *     START), or {@link #close()} stopped the startup; everything else was shut down and storage closed
     * @throws IllegalStateException when already started or closed
     */
    public PlinthRuntime start() {
        StartupAbort abort;
        synchronized (lock) {
            if (status != Status.NEW) {
                throw new IllegalStateException("start() may be called once; this runtime is " + status);
            }
            status = Status.STARTING;
            abort = new StartupAbort(Thread.currentThread());
            startupAbort = abort;
        }
        try {
            doStart(abort);
            synchronized (lock) {
                if (!abort.requested()) {
                    status = Status.RUNNING;
                    return this;
                }
            }
            // close() came after the last plugin started: undo it all, outside the lock, which a second
            // close() would otherwise wait on for the whole rollback.
            throw abortAfterStart(abort);
        } catch (RuntimeException | Error e) {
            synchronized (lock) {
                status = Status.CLOSED;
                // Under the lock and after CLOSED, so no request() can interrupt this thread any more.
                abort.clearOwnInterrupt();
                removeShutdownHook();
                terminated.countDown();
            }
            throw e;
        }
    }

    private void doStart(StartupAbort abort) {
        StartupPlan plan = StartupPlan.resolve(config, loader, discoverPlugins, registered, explicitProvider);
        ProviderCandidate chosen = plan.provider();
        EffectiveConfig eff = plan.config();
        List<String> ids = plan.pluginIds();
        this.rollbackBound = plan.settings().shutdownTimeout();
        HealthSettings healthSettings = HealthSettings.from(eff);
        StorageEngine opened;
        try {
            opened = StorageEngine.open(
                    chosen.provider(), plan.providerConfig(), plan.settings().storage());
        } catch (RuntimeException e) {
            if (abort.requested()) {
                // The abort's interrupt may have been what failed the open: say what really happened.
                throw new PluginLifecycleException(
                        null,
                        Phase.INIT,
                        "Startup stopped: the runtime was closed while" + " storage provider '" + chosen.id()
                                + "' was opening; no plugin was called",
                        e);
            }
            throw e;
        }
        if (abort.requested()) {
            opened.close();
            throw new PluginLifecycleException(
                    null,
                    Phase.INIT,
                    "Startup stopped: the runtime was closed while" + " storage provider '" + chosen.id()
                            + "' was opening; no plugin was called",
                    null);
        }
        this.engine = opened;
        // Decided once: without an observer the stores are the engine's own, with nothing on their path.
        StorageObserver obs = observer;
        this.stores = obs == null ? opened::store : id -> ObservedStore.wrap(opened.store(id), obs.plugin(id));
        this.providerId = chosen.id();
        this.disabled = plan.disabled();
        try {
            SharedServices services = new SharedServices();
            Map<String, ManagedPlugin> managed = new LinkedHashMap<>();
            List<HealthMonitor.Monitored> monitored = new ArrayList<>();
            for (PluginDescriptor d : plan.order()) {
                PluginChecks checks = new PluginChecks(d.id());
                RuntimePluginContext ctx = new RuntimePluginContext(
                        d,
                        new SectionPluginConfig(d.id(), eff.pluginSection(d.id(), ids)),
                        stores,
                        new PluginServices(services, d.id()),
                        checks);
                PluginStateHolder state = new PluginStateHolder(d.id());
                managed.put(d.id(), new ManagedPlugin(plan.instance(d.id()), d, state, ctx));
                monitored.add(new HealthMonitor.Monitored(d.id(), state::get, checks));
            }
            this.active = Collections.unmodifiableMap(managed);
            this.monitor = new HealthMonitor(chosen.id(), opened, monitored, healthSettings, () -> status.name());
            this.lifecycle = new LifecycleManager(
                    new ArrayList<>(managed.values()),
                    services,
                    plan.settings().startTimeout(),
                    plan.settings().shutdownTimeout());
            lifecycle.startAll(abort);
        } catch (RuntimeException | Error e) {
            abort.clearOwnInterrupt();
            closeStorage().ifPresent(e::addSuppressed);
            throw e;
        }
        LOG.info("Plinth started with storage provider '{}' and plugins {}", chosen.id(), active.keySet());
    }

    /** close() came after the last plugin started but before start() returned: undo it all. */
    private PluginLifecycleException abortAfterStart(StartupAbort abort) {
        abort.clearOwnInterrupt();
        PluginLifecycleException aborted = new PluginLifecycleException(
                null,
                Phase.START,
                "Startup stopped: the runtime was closed as startup finished; every plugin was shut down",
                null);
        lifecycle.shutdownAll().forEach(aborted::addSuppressed);
        closeStorage().ifPresent(aborted::addSuppressed);
        return aborted;
    }

    private Optional<Throwable> closeStorage() {
        HealthMonitor m = monitor;
        if (m != null) {
            // Health ends with storage: later reports say the runtime is closed without probing it.
            m.close();
        }
        StorageEngine e = engine;
        if (e == null) {
            return Optional.empty();
        }
        try {
            e.close();
            return Optional.empty();
        } catch (RuntimeException | Error t) {
            LOG.warn("Closing storage failed", t);
            return Optional.of(t);
        }
    }

    /**
     * @param pluginId an enabled plugin of this runtime
     * @return its current state
     * @throws IllegalArgumentException when there is no such enabled plugin (the message says when it is
     *     disabled)
     */
    public PluginState state(String pluginId) {
        ManagedPlugin mp = active.get(pluginId);
        if (mp == null) {
            if (disabled.contains(pluginId)) {
                throw new IllegalArgumentException("Plugin '" + pluginId + "' is disabled ("
                        + ConfigKeys.pluginOption(pluginId, ConfigKeys.PLUGIN_ENABLED) + "=false)");
            }
            throw new IllegalArgumentException(
                    "No plugin '" + pluginId + "' in this runtime; plugins: " + active.keySet());
        }
        return mp.state().get();
    }

    /** @return descriptors of the enabled plugins in start order; empty before {@link #start()} */
    public List<PluginDescriptor> plugins() {
        return active.values().stream().map(ManagedPlugin::descriptor).collect(Collectors.toUnmodifiableList());
    }

    /**
     * The runtime's health: overall status, readiness, liveness, the storage backend's probe, each plugin's
     * lifecycle state and the checks plugins registered through
     * {@link dev.plinth.api.plugin.PluginContext#registerHealthCheck}. See {@link HealthReport} for what
     * each status means.
     *
     * <p>Cheap and bounded: a report is reused for {@code plinth.health.cacheTtl} (default 1 s); making a
     * new one probes storage and runs every started plugin's checks at once, each bounded by
     * {@code plinth.health.timeout} (default 2 s), so this returns within about that timeout whatever a
     * backend or a check does. Never more than one probe of each part is in flight; concurrent callers share
     * one refresh. A backend that comes back is UP again at the next refresh, with no restart. Each change of
     * the overall status is logged once at INFO with the reasons. Before {@link #start()} returns and after
     * {@link #close()} the report is DOWN and not ready (and not live once closed). Thread-safe; never
     * throws.
     *
     * @return the current report
     */
    public HealthReport health() {
        HealthMonitor m = monitor;
        if (m != null) {
            return m.report();
        }
        Map<String, PluginState> states = new LinkedHashMap<>();
        active.forEach((id, mp) -> states.put(id, mp.state().get()));
        return HealthMonitor.without(status.name(), providerId, states);
    }

    /** @return the id of the storage provider in use; empty before {@link #start()} */
    public Optional<String> storageProviderId() {
        return Optional.ofNullable(providerId);
    }

    /**
     * The store of a plugin id, for hosts that inspect or seed plugin data. The same scoping applies as
     * for the plugin itself.
     *
     * @param pluginId a valid plugin id (need not be a present plugin)
     * @return the store scoped to it
     * @throws IllegalStateException when the runtime is not running
     * @throws dev.plinth.api.plugin.InvalidPluginIdException when the id breaks the grammar
     */
    public KeyValueStore storage(String pluginId) {
        PluginIds.validate(pluginId);
        Function<String, KeyValueStore> s = stores;
        if (status != Status.RUNNING || s == null) {
            throw new IllegalStateException("Storage is available while the runtime is running; it is " + status);
        }
        return s.apply(pluginId);
    }

    /**
     * Closes the runtime (see the class description).
     *
     * @throws PluginLifecycleException (phase SHUTDOWN) after everything was closed, when a plugin's
     *     shutdown threw or overran its timeout or storage failed to close; each failure is suppressed on it
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (status == Status.CLOSED) {
                return;
            }
            if (status != Status.STARTING) {
                try {
                    if (status == Status.RUNNING) {
                        shutdownRunning();
                    }
                } finally {
                    status = Status.CLOSED;
                    removeShutdownHook();
                    terminated.countDown();
                }
                return;
            }
            if (startupAbort.isStarter(Thread.currentThread())) {
                throw new IllegalStateException("close() called from inside start() on the starting thread");
            }
            // Under the lock, so start() cannot have passed the point where it checks for an abort.
            if (startupAbort.request()) {
                LOG.info("Plinth is closing while starting: aborting the startup, shutting down what started");
            }
        }
        // Outside the lock: start() needs it to finish its rollback, which this waits for.
        awaitStartupRollback();
    }

    /**
     * Waits for the aborted startup to finish its rollback, at most twice the shutdown bound: the plugin in
     * {@code init}/{@code start} gets one to return, and the shutdowns that follow are each bounded too.
     * Past that the runtime stops waiting rather than hold up a JVM that is exiting; what still runs is on
     * daemon threads.
     */
    private void awaitStartupRollback() {
        Duration bound = rollbackBound.multipliedBy(2);
        try {
            if (!terminated.await(bound.toNanos(), TimeUnit.NANOSECONDS)) {
                LOG.warn(
                        "Plinth startup did not stop within {} of close(); no longer waiting for it (a plugin or"
                                + " the storage open ignores its interrupt)",
                        bound);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void shutdownRunning() {
        List<Throwable> failures = new ArrayList<>(lifecycle.shutdownAll());
        closeStorage().ifPresent(failures::add);
        if (failures.isEmpty()) {
            LOG.info("Plinth stopped");
            return;
        }
        String who = failures.stream()
                .map(f -> f instanceof PluginLifecycleException
                        ? "plugin '" + ((PluginLifecycleException) f).pluginId() + "'"
                        : "storage")
                .collect(Collectors.joining(", "));
        String single = failures.size() == 1 && failures.get(0) instanceof PluginLifecycleException
                ? ((PluginLifecycleException) failures.get(0)).pluginId()
                : null;
        PluginLifecycleException summary = new PluginLifecycleException(
                single, Phase.SHUTDOWN, "Shutdown finished with " + failures.size() + " failure(s): " + who, null);
        failures.forEach(summary::addSuppressed);
        throw summary;
    }

    /**
     * Registers a JVM shutdown hook (thread {@code plinth-shutdown-hook}) that closes this runtime and
     * logs, rather than throws, shutdown failures. Idempotent; {@link #close()} and a failed
     * {@link #start()} remove the hook. May be called before {@link #start()}: a signal during startup
     * then aborts the startup (see {@link #close()}) and waits, at most twice
     * {@code plinth.runtime.shutdownTimeout}, for what had started to shut down.
     *
     * @return this
     */
    public PlinthRuntime registerShutdownHook() {
        synchronized (lock) {
            if (shutdownHook == null && status != Status.CLOSED) {
                Thread hook = new Thread(
                        () -> {
                            try {
                                close();
                            } catch (RuntimeException e) {
                                LOG.error("Plinth shutdown finished with errors", e);
                            }
                        },
                        "plinth-shutdown-hook");
                Runtime.getRuntime().addShutdownHook(hook);
                shutdownHook = hook;
            }
        }
        return this;
    }

    private void removeShutdownHook() {
        Thread hook = shutdownHook;
        shutdownHook = null;
        if (hook != null && hook != Thread.currentThread()) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook is running or done
            }
        }
    }

    /**
     * Blocks until this runtime is closed (or its start failed).
     *
     * @throws InterruptedException when interrupted while waiting
     */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    /**
     * @param timeout how long to wait at most
     * @return {@code true} when the runtime closed within the timeout
     * @throws InterruptedException when interrupted while waiting
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public String toString() {
        return "PlinthRuntime[" + status + ", provider=" + providerId + ", plugins=" + active.keySet() + "]";
    }

    /** Configures a {@link PlinthRuntime}. Not thread-safe. */
    public static final class Builder {
        private PlinthConfig config;
        private ClassLoader classLoader;
        private final List<Plugin> plugins = new ArrayList<>();
        private StorageProvider storageProvider;
        private boolean discoverPlugins = true;
        private StorageObserver observer;

        private Builder() {}

        /**
         * @param config the configuration; default {@link PlinthConfig#standard(java.nio.file.Path)
         *     PlinthConfig.standard(null)} (PLINTH_CONFIG file, environment, system properties)
         * @return this
         */
        public Builder config(PlinthConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * @param classLoader where plugins and providers are discovered with {@link java.util.ServiceLoader};
         *     default the loader of the runtime's own classes (never the thread context loader implicitly)
         * @return this
         */
        public Builder classLoader(ClassLoader classLoader) {
            this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
            return this;
        }

        /**
         * @param plugin a plugin to run besides the discovered ones (source {@code "registered"})
         * @return this
         */
        public Builder plugin(Plugin plugin) {
            plugins.add(Objects.requireNonNull(plugin, "plugin"));
            return this;
        }

        /**
         * @param provider the storage provider to use, bypassing provider discovery and selection; if
         *     {@code plinth.storage.provider} is configured it must name this provider
         * @return this
         */
        public Builder storageProvider(StorageProvider provider) {
            this.storageProvider = Objects.requireNonNull(provider, "provider");
            return this;
        }

        /**
         * @param discover {@code false} to run only plugins registered with {@link #plugin(Plugin)};
         *     default {@code true}
         * @return this
         */
        public Builder discoverPlugins(boolean discover) {
            this.discoverPlugins = discover;
            return this;
        }

        /**
         * @param observer receives every store call of every plugin (operation, duration, value sizes,
         *     exception type; never a key), for metrics: {@code PlinthMetrics.observer(meterRegistry)} from
         *     the {@code plinth-runtime-metrics} module. Default none: stores are then not decorated at all
         * @return this
         */
        public Builder observer(StorageObserver observer) {
            this.observer = Objects.requireNonNull(observer, "observer");
            return this;
        }

        /** @return the runtime, not yet started */
        public PlinthRuntime build() {
            return new PlinthRuntime(this);
        }
    }
}
