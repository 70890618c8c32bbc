package dev.plinth.core;

import dev.plinth.api.ConfigurationException;
import dev.plinth.api.plugin.Plugin;
import dev.plinth.api.plugin.PluginDescriptor;
import dev.plinth.api.plugin.PluginIds;
import dev.plinth.api.plugin.PluginLifecycleException;
import dev.plinth.api.plugin.PluginLifecycleException.Phase;
import dev.plinth.api.plugin.PluginState;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.core.archive.PluginController;
import dev.plinth.core.config.ConfigKeys;
import dev.plinth.core.config.ConfigValidator;
import dev.plinth.core.config.EffectiveConfig;
import dev.plinth.core.config.PlinthConfig;
import dev.plinth.core.config.RuntimeSettings;
import dev.plinth.core.config.StorageLayers;
import dev.plinth.core.discovery.DiscoveredPlugin;
import dev.plinth.core.discovery.ProviderCandidate;
import dev.plinth.core.discovery.ProviderSelector;
import dev.plinth.core.health.HealthReport;
import dev.plinth.core.health.StorageStats;
import dev.plinth.core.lifecycle.DependencyGraph;
import dev.plinth.core.lifecycle.LifecycleManager;
import dev.plinth.core.lifecycle.ManagedPlugin;
import dev.plinth.core.lifecycle.StartupAbort;
import dev.plinth.core.monitor.HealthMonitor;
import dev.plinth.core.monitor.HealthSettings;
import dev.plinth.core.observe.StorageObserver;
import dev.plinth.core.observed.ObservedStore;
import dev.plinth.core.plugins.PluginArchiveException;
import dev.plinth.core.plugins.PluginInfo;
import dev.plinth.core.storage.StorageEngine;
import dev.plinth.spi.storage.StorageProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * <h2>Plugin archives and run-time control</h2>
 * Archives in {@code plinth.plugins.dir} are read and checked at the start of {@code start()}, each in a
 * class loader of its own; while running, {@link #stop(String)}, {@link #start(String)},
 * {@link #reload(String)}, {@link #install(Path)} and {@link #uninstall(String)} change archive plugins
 * one at a time, and {@link #pluginInfo()} reports them (docs/plugins.md).
 *
 * <p>Its size (about 700 lines) is mostly javadoc and the builder: the host's one entry point documents the
 * whole lifecycle here, while the work itself lives in StartupPlan, LifecycleManager, PluginController and
 * StorageEngine.
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
    private volatile Set<String> disabled = Set.of();
    private volatile StorageEngine engine;
    private volatile String providerId;
    private volatile PluginController controller;
    private volatile HealthMonitor monitor;
    /** Gives a plugin id's store: the engine's, or, with an observer, the engine's wrapped to report calls. */
    private volatile Function<String, KeyValueStore> stores;

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
        this.rollbackBound = plan.settings().shutdownTimeout();
        // The near cache and codecs are read here, once: a bad value fails startup before storage opens.
        StorageLayers layers = StorageLayers.from(eff, plan.pluginIds());
        PluginController plugins = new PluginController(
                plan.plugins().stream().collect(Collectors.toMap(DiscoveredPlugin::id, p -> p)),
                plan.archives(),
                plan.order(),
                eff,
                plan.disabled(),
                plan.folder(),
                plan.settings().startTimeout(),
                plan.settings().shutdownTimeout());
        HealthSettings healthSettings = HealthSettings.from(eff);
        StorageEngine opened;
        try {
            opened = StorageEngine.open(
                    chosen.provider(),
                    plan.providerConfig(),
                    plan.settings().storage(),
                    java.time.InstantSource.system(),
                    layers);
        } catch (RuntimeException e) {
            plugins.discard();
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
            plugins.discard();
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
            // Contexts, stores and (for archives) class loaders come from the controller, which owns the
            // plugins once they run: run-time control changes them one by one. Nothing here keeps a
            // plugin instance, so a reloaded plugin's first class loader can be collected too.
            this.controller = plugins;
            List<ManagedPlugin> managed = plugins.attach(opened, stores);
            // Plugins come and go at run time: the monitor asks the controller which run at each report.
            this.monitor =
                    new HealthMonitor(chosen.id(), opened, plugins::monitored, healthSettings, () -> status.name());
            new LifecycleManager(
                            managed,
                            plugins.services(),
                            plan.settings().startTimeout(),
                            plan.settings().shutdownTimeout())
                    .startAll(abort);
            if (plan.watch()) {
                plugins.watchFolder();
            }
        } catch (RuntimeException | Error e) {
            abort.clearOwnInterrupt();
            plugins.discard();
            closeStorage().ifPresent(e::addSuppressed);
            throw e;
        }
        LOG.info("Plinth started with storage provider '{}' and plugins {}", chosen.id(), pluginIds());
    }

    /** close() came after the last plugin started but before start() returned: undo it all. */
    private PluginLifecycleException abortAfterStart(StartupAbort abort) {
        abort.clearOwnInterrupt();
        PluginLifecycleException aborted = new PluginLifecycleException(
                null,
                Phase.START,
                "Startup stopped: the runtime was closed as startup finished; every plugin was shut down",
                null);
        controller.shutdownAll().forEach(aborted::addSuppressed);
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
     * Figures for metrics that the storage engine keeps anyway (quota, held locks, watch backlog, near-cache
     * counts): no backend call, cheap enough for every scrape. Thread-safe; never throws.
     *
     * @return the figures now; {@link StorageStats#none()} before storage opens and after {@link #close()}
     */
    public StorageStats storageStats() {
        StorageEngine e = engine;
        return e == null || e.isClosed() ? StorageStats.none() : e.stats();
    }

    /**
     * The live keys in a plugin's own scope (not its child namespaces), as the {@code maxKeys} quota counts
     * them. One count on the backend, not reported to the observer: a memory or SQLite count is cheap, a
     * Redis count scans the scope, so metrics read it only when a quota is set.
     *
     * @param pluginId a valid plugin id (need not be a present plugin)
     * @return the number of live keys in its scope
     * @throws IllegalStateException when the runtime is not running
     * @throws dev.plinth.api.plugin.InvalidPluginIdException when the id breaks the grammar
     * @throws dev.plinth.api.storage.StorageException when the backend fails
     */
    public long keyCount(String pluginId) {
        StorageEngine e = engine;
        if (e == null || e.isClosed() || status != Status.RUNNING) {
            throw new IllegalStateException("Storage is available while the runtime is running; it is " + status);
        }
        return e.store(pluginId).count("*");
    }

    /**
     * @param pluginId an enabled plugin of this runtime
     * @return its current state
     * @throws IllegalArgumentException when there is no such enabled plugin (the message says when it is
     *     disabled)
     */
    public PluginState state(String pluginId) {
        PluginController c = controller;
        PluginState now = c == null ? null : c.state(pluginId);
        if (now != null) {
            return now;
        }
        if (disabled.contains(pluginId)) {
            throw new IllegalArgumentException("Plugin '" + pluginId + "' is disabled ("
                    + ConfigKeys.pluginOption(pluginId, ConfigKeys.PLUGIN_ENABLED) + "=false)");
        }
        throw new IllegalArgumentException("No plugin '" + pluginId + "' in this runtime; plugins: " + pluginIds());
    }

    private List<String> pluginIds() {
        return plugins().stream().map(PluginDescriptor::id).collect(Collectors.toList());
    }

    /** @return descriptors of the enabled plugins in start order; empty before {@link #start()} */
    public List<PluginDescriptor> plugins() {
        PluginController c = controller;
        return c == null ? List.of() : c.descriptors();
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
        PluginController c = controller;
        if (c != null) {
            c.info().forEach(i -> states.put(i.id(), i.state()));
        }
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
        List<Throwable> failures = new ArrayList<>(controller.shutdownAll());
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

    /**
     * Every installed plugin with its version, source, state, dependencies and why it is not started, for
     * diagnostics ({@code --list-plugins}). Thread-safe.
     *
     * @return enabled plugins in start order, then disabled ones; empty before {@link #start()}
     */
    public List<PluginInfo> pluginInfo() {
        PluginController c = controller;
        return c == null ? List.of() : c.info();
    }

    /**
     * Stops an archive plugin while the runtime runs; every running plugin that depends on it (required
     * or optional, transitively) is shut down first, in reverse dependency order, and stays stopped. A
     * stopped plugin's services are withdrawn, the locks and watches it took are released, its store
     * refuses further calls, and its class loader is closed; its data stays. Does nothing when it is not
     * running. One run-time change at a time; see docs/plugins.md.
     *
     * @param pluginId an installed archive plugin
     * @throws IllegalArgumentException when no such plugin is installed
     * @throws PluginArchiveException when it is a class-path or registered plugin, or one of those depends
     *     on it; nothing was stopped
     * @throws PluginLifecycleException (phase SHUTDOWN) after everything was stopped, when a shutdown threw
     *     or overran {@code plinth.runtime.shutdownTimeout}
     * @throws IllegalStateException when the runtime is not running
     */
    public void stop(String pluginId) {
        running().stop(pluginId);
    }

    /**
     * Starts a stopped archive plugin on a fresh class loader, after its stopped required dependencies;
     * bounded and rolled back as at startup. Does nothing when it is running.
     *
     * @param pluginId an installed archive plugin
     * @throws IllegalArgumentException when no such plugin is installed
     * @throws PluginArchiveException when it is not from an archive or is disabled
     * @throws PluginLifecycleException when an {@code init} or {@code start} threw or overran; what this
     *     call started is stopped again
     * @throws IllegalStateException when the runtime is not running
     */
    public void start(String pluginId) {
        running().start(pluginId);
    }

    /**
     * Replaces an archive plugin with the archive of the same id now in the plugins folder (with no
     * folder, its archive file read again) and starts it; the plugins depending on it that were running
     * are stopped first and started again after it, on fresh class loaders, so they see the new classes.
     * The new archive is checked first (its ranges, its dependents' ranges on it, the API range, cycles):
     * a refusal changes nothing. When the new version fails to start, the old one is started again.
     *
     * @param pluginId an installed archive plugin
     * @throws IllegalArgumentException when no such plugin is installed
     * @throws PluginArchiveException when the plugin is not from an archive, no single archive has its id,
     *     or the new archive breaks a rule; nothing changed
     * @throws PluginLifecycleException when the new version failed to start; the old version runs again
     * @throws IllegalStateException when the runtime is not running
     */
    public void reload(String pluginId) {
        running().reload(pluginId);
    }

    /**
     * Installs and starts a plugin archive while the runtime runs. Its required dependencies must be
     * running.
     *
     * @param archive a {@code .jar} or {@code .zip} plugin archive (it need not be in the plugins folder)
     * @return the id of the installed plugin
     * @throws PluginArchiveException when the archive is unreadable or breaks a rule (id taken, dependency
     *     missing, stopped or out of range, cycle, disabled, bundled API); nothing changed
     * @throws PluginLifecycleException when its {@code init} or {@code start} failed; it is not installed
     * @throws IllegalStateException when the runtime is not running
     */
    public String install(Path archive) {
        return running().install(archive);
    }

    /**
     * Stops and removes an archive plugin; plugins depending on it optionally are stopped first and
     * started again without it. The archive file stays in the folder (delete it to keep the plugin out
     * after a restart).
     *
     * @param pluginId an installed archive plugin
     * @throws IllegalArgumentException when no such plugin is installed
     * @throws PluginArchiveException when it is not from an archive or another plugin requires it; nothing
     *     changed
     * @throws PluginLifecycleException when a shutdown failed (it is removed all the same) or an optional
     *     dependent failed to start again
     * @throws IllegalStateException when the runtime is not running
     */
    public void uninstall(String pluginId) {
        running().uninstall(pluginId);
    }

    private PluginController running() {
        PluginController c = controller;
        if (status != Status.RUNNING || c == null) {
            throw new IllegalStateException("Plugins can be controlled while the runtime is running; it is " + status);
        }
        return c;
    }

    @Override
    public String toString() {
        return "PlinthRuntime[" + status + ", provider=" + providerId + ", plugins=" + pluginIds() + "]";
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
