package dev.plinth.core.archive;

import dev.plinth.api.plugin.Plugin;
import dev.plinth.api.plugin.PluginDescriptor;
import dev.plinth.api.plugin.PluginLifecycleException;
import dev.plinth.api.plugin.PluginLifecycleException.Phase;
import dev.plinth.api.plugin.PluginState;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.core.config.ConfigKeys;
import dev.plinth.core.config.EffectiveConfig;
import dev.plinth.core.config.SectionPluginConfig;
import dev.plinth.core.discovery.DiscoveredPlugin;
import dev.plinth.core.lifecycle.LifecycleManager;
import dev.plinth.core.lifecycle.ManagedPlugin;
import dev.plinth.core.lifecycle.PluginServices;
import dev.plinth.core.lifecycle.PluginStateHolder;
import dev.plinth.core.lifecycle.RuntimePluginContext;
import dev.plinth.core.lifecycle.SharedServices;
import dev.plinth.core.lifecycle.StartupAbort;
import dev.plinth.core.monitor.HealthMonitor;
import dev.plinth.core.monitor.PluginChecks;
import dev.plinth.core.plugins.PluginArchiveException;
import dev.plinth.core.plugins.PluginInfo;
import dev.plinth.core.storage.StorageEngine;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the plugins of one running runtime: which are installed, which run, and the class loader, store
 * and archive of each. Changes ({@link #stop}, {@link #start}, {@link #reload}, {@link #install},
 * {@link #uninstall}) run one at a time; each first checks the plugin set as it would be after the change
 * ({@link ArchiveRules}) and refuses, changing nothing, when a rule breaks. Then, in dependency order:
 * the plugins depending on the one changed (required or optional, transitively) are shut down first,
 * newest dependent first; each stopped plugin's services are withdrawn, its store's locks and watches are
 * released and its store refuses further calls, its class loader is closed and dropped; what was running
 * is then started again on fresh class loaders (a dependent must link against the new classes of its
 * dependency), in dependency order, with the same bounded init/start and rollback as at startup.
 *
 * <p>Only archive plugins can be changed at run time: a class-path or registered plugin, and any change
 * that would have to stop one, is refused (its classes cannot be unloaded and its instance cannot be
 * initialised twice). Thread-safe; reads ({@link #info()}, {@link #state}, {@link #descriptors()}) read a
 * copy published after each change and do not wait for one in progress.
 *
 * <p>Over 400 lines because each run-time operation is a short recipe over the same few steps (check,
 * stop in order, swap, start in order); splitting the recipes from the steps would only spread them.
 */
public final class PluginController {
    private static final Logger LOG = LoggerFactory.getLogger(PluginController.class);

    /** One installed plugin. Guarded by the controller's lock; fields read elsewhere are volatile. */
    private static final class Slot {
        final String id;
        volatile PluginDescriptor descriptor;
        volatile @Nullable PluginArchive archive;
        final @Nullable Plugin classPathInstance;

        @Nullable
        PluginClassLoader loader;

        @Nullable
        Plugin instance;

        volatile @Nullable ManagedPlugin running;

        @Nullable
        ReleasingStore store;

        /** The health checks the running instance registered; replaced with each start. */
        volatile @Nullable PluginChecks checks;

        volatile @Nullable String reason;

        Slot(PluginDescriptor descriptor, @Nullable PluginArchive archive, @Nullable Plugin classPathInstance) {
            this.id = descriptor.id();
            this.descriptor = descriptor;
            this.archive = archive;
            this.classPathInstance = classPathInstance;
        }

        boolean isRunning() {
            ManagedPlugin mp = running;
            return mp != null && mp.state().get() != PluginState.STOPPED;
        }

        ArchiveRules.Candidate candidate() {
            PluginArchive a = archive;
            return new ArchiveRules.Candidate(
                    descriptor, a == null ? null : a.descriptor(), a == null ? null : a.path());
        }
    }

    private final Object lock = new Object();
    private final Map<String, Slot> slots = new LinkedHashMap<>();
    /** A copy of {@link #slots} after each change, for reads that must not wait for a change. */
    private volatile Map<String, Slot> view = Map.of();

    private @Nullable FolderWatch watch;
    private final ClassLoader host;
    private final EffectiveConfig config;
    private final Set<String> disabled;
    private final @Nullable Path folder;
    private final Duration startTimeout;
    private final Duration shutdownTimeout;
    private final SharedServices services = new SharedServices();
    private @Nullable StorageEngine engine;
    /** The store a plugin id gets from {@link #engine}: its own, or wrapped to report calls (metrics). */
    private Function<String, KeyValueStore> storeOf =
            id -> Objects.requireNonNull(engine).store(id);

    private boolean closed;

    /**
     * Creates the controller and loads every enabled archive plugin in {@code order}: one class loader
     * each, the plugin instantiated and checked against its descriptor. Nothing is started.
     *
     * @param classPath plugins found on the class path or registered, by id
     * @param archives archives found in the plugins folder
     * @param order the enabled plugins in start order ({@link ArchiveRules#check})
     * @param config the effective configuration
     * @param disabled ids disabled by configuration
     * @param folder the plugins folder, {@code null} when none is configured
     * @param startTimeout bound of one init and one start
     * @param shutdownTimeout bound of one shutdown
     * @throws PluginArchiveException when an archive plugin cannot be loaded or does not match its
     *     descriptor; whatever was loaded is closed again
     */
    public PluginController(
            Map<String, DiscoveredPlugin> classPath,
            List<PluginArchive> archives,
            List<PluginDescriptor> order,
            EffectiveConfig config,
            Set<String> disabled,
            @Nullable Path folder,
            Duration startTimeout,
            Duration shutdownTimeout) {
        this.host = Plugin.class.getClassLoader() == null
                ? ClassLoader.getSystemClassLoader()
                : Plugin.class.getClassLoader();
        this.config = config;
        this.disabled = Set.copyOf(disabled);
        this.folder = folder;
        this.startTimeout = startTimeout;
        this.shutdownTimeout = shutdownTimeout;
        Map<String, PluginArchive> byId =
                archives.stream().collect(Collectors.toMap(a -> a.descriptor().id(), a -> a));
        for (PluginDescriptor d : order) {
            DiscoveredPlugin cp = classPath.get(d.id());
            slots.put(d.id(), new Slot(d, byId.get(d.id()), cp == null ? null : cp.plugin()));
        }
        for (PluginArchive a : archives) {
            if (!slots.containsKey(a.descriptor().id())) {
                Slot s = new Slot(a.descriptor().toPluginDescriptor(a.path().toString()), a, null);
                s.reason = "disabled by " + ConfigKeys.pluginOption(s.id, ConfigKeys.PLUGIN_ENABLED) + "=false";
                slots.put(s.id, s);
            }
        }
        classPath.forEach((id, p) -> slots.computeIfAbsent(id, k -> {
            Slot s = new Slot(p.descriptor(), null, p.plugin());
            s.reason = "disabled by " + ConfigKeys.pluginOption(id, ConfigKeys.PLUGIN_ENABLED) + "=false";
            return s;
        }));
        try {
            for (PluginDescriptor d : order) {
                Slot s = slots.get(d.id());
                if (s.archive != null) {
                    load(s);
                }
            }
        } catch (RuntimeException e) {
            discard();
            throw e;
        }
        publish();
    }

    private void publish() {
        view = Collections.unmodifiableMap(new LinkedHashMap<>(slots));
    }

    /**
     * Starts watching the plugins folder: an archive that appears is installed, one that changes (or
     * appears with the id of an installed plugin) reloads that plugin, once it has stopped changing
     * ({@link FolderWatch}). Called by the runtime once startup is done; stopped by {@link #shutdownAll()}.
     */
    public void watchFolder() {
        synchronized (lock) {
            if (folder != null && watch == null && !closed) {
                watch = new FolderWatch(folder, this::installOrReload, Duration.ofMillis(500));
                LOG.info("Watching plugins folder {} for new and changed archives", folder);
            }
        }
    }

    /** What the folder watch does with an archive that appeared or changed. */
    private void installOrReload(Path file) {
        synchronized (lock) {
            String id;
            try (PluginArchive a = PluginArchive.read(file)) {
                id = a.descriptor().id();
            }
            if (slots.containsKey(id)) {
                reload(id);
            } else {
                install(file);
            }
        }
    }

    /**
     * Connects the open storage and returns every enabled plugin, managed and ready for the runtime's
     * startup.
     *
     * @param storage the runtime's storage
     * @param stores the store each plugin id gets, from {@code storage} (decorated or not, chosen once)
     * @return the enabled plugins in start order
     */
    public List<ManagedPlugin> attach(StorageEngine storage, Function<String, KeyValueStore> stores) {
        synchronized (lock) {
            this.engine = storage;
            this.storeOf = stores;
            List<ManagedPlugin> out = new ArrayList<>();
            for (Slot s : slots.values()) {
                if (s.reason == null) {
                    out.add(manage(s));
                }
            }
            return out;
        }
    }

    /** @return the services all plugins of this runtime share */
    public SharedServices services() {
        return services;
    }

    // ------------------------------------------------------------------------------------- operations

    /**
     * Stops an archive plugin and, first, every running plugin depending on it (they stay stopped).
     * Nothing happens when it is not running.
     *
     * @param id the plugin
     * @throws IllegalArgumentException when there is no such plugin
     * @throws PluginArchiveException when it, or a plugin that would have to stop with it, is not from an
     *     archive; nothing was stopped
     * @throws PluginLifecycleException (phase SHUTDOWN) after everything was stopped, when a shutdown threw
     *     or overran
     */
    public void stop(String id) {
        synchronized (lock) {
            Slot s = changeable(id, "stopped");
            if (!s.isRunning()) {
                return;
            }
            Set<String> affected = runningDependents(id);
            refuseClassPath(s, affected, "stopped");
            affected.add(id);
            throwIfFailed(
                    id,
                    stopSet(
                            inOrder(affected),
                            x -> x.equals(id)
                                    ? "stopped by stop('" + id + "')"
                                    : "stopped because its dependency '" + id + "' was stopped"));
        }
    }

    /**
     * Starts an archive plugin on a fresh class loader, after its required dependencies that are stopped.
     * Nothing happens when it is running.
     *
     * @param id the plugin
     * @throws IllegalArgumentException when there is no such plugin
     * @throws PluginArchiveException when it is not from an archive or is disabled
     * @throws PluginLifecycleException when an {@code init} or {@code start} failed; what this call started
     *     was stopped again
     */
    public void start(String id) {
        synchronized (lock) {
            Slot s = changeable(id, "started");
            if (s.isRunning()) {
                return;
            }
            if (disabled.contains(id)) {
                throw refusal(
                        s, "it is disabled by " + ConfigKeys.pluginOption(id, ConfigKeys.PLUGIN_ENABLED) + "=false");
            }
            Set<String> need = new LinkedHashSet<>();
            stoppedRequirements(s, need);
            startSet(inOrder(need));
        }
    }

    /**
     * Replaces an archive plugin with the archive of the same id now in the plugins folder (or, with no
     * folder, the file it was installed from, read again) and starts it; the plugins depending on it that
     * were running are stopped first and started again after it. When the new version fails to start, the
     * old one is started again with them and the failure is thrown.
     *
     * @param id the plugin
     * @throws IllegalArgumentException when there is no such plugin
     * @throws PluginArchiveException when it is not from an archive, no single archive for it is found, or
     *     the new archive breaks a rule (a range it or a dependent asks for, the API range, a cycle); then
     *     nothing changed
     * @throws PluginLifecycleException when the new version failed to start (the old one runs again)
     */
    public void reload(String id) {
        synchronized (lock) {
            Slot s = changeable(id, "reloaded");
            PluginArchive old = Objects.requireNonNull(s.archive);
            PluginArchive fresh = find(id, old.path());
            PluginDescriptor oldDescriptor = s.descriptor;
            PluginDescriptor newDescriptor =
                    fresh.descriptor().toPluginDescriptor(fresh.path().toString());
            Set<String> affected;
            try {
                List<ArchiveRules.Candidate> after = candidates();
                after.replaceAll(c -> c.id().equals(id)
                        ? new ArchiveRules.Candidate(newDescriptor, fresh.descriptor(), fresh.path())
                        : c);
                ArchiveRules.check(after, disabled);
                affected = runningDependents(id);
                refuseClassPath(s, affected, "reloaded");
            } catch (RuntimeException e) {
                fresh.close();
                throw e;
            }
            Set<String> restart = new LinkedHashSet<>(affected);
            restart.add(id);
            Set<String> stopping = new LinkedHashSet<>(affected);
            if (s.isRunning()) {
                stopping.add(id);
            }
            List<PluginLifecycleException> stopFailures = stopSet(inOrder(stopping), x -> "being reloaded");
            s.archive = fresh;
            s.descriptor = newDescriptor;
            try {
                startSet(inOrder(restart));
            } catch (RuntimeException e) {
                s.archive = old;
                s.descriptor = oldDescriptor;
                fresh.close();
                PluginLifecycleException failed = new PluginLifecycleException(
                        id,
                        e instanceof PluginLifecycleException p ? p.phase() : Phase.START,
                        "Reloading plugin '" + id + "' as " + newDescriptor.version() + " from " + fresh.path()
                                + " failed; version " + oldDescriptor.version() + " was started again: "
                                + e.getMessage(),
                        e);
                try {
                    startSet(inOrder(restart));
                } catch (RuntimeException again) {
                    failed.addSuppressed(again);
                }
                throw failed;
            }
            old.close();
            LOG.info(
                    "Reloaded plugin '{}': {} -> {} ({}), restarted {}",
                    id,
                    oldDescriptor.version(),
                    newDescriptor.version(),
                    fresh.path(),
                    affected);
            throwIfFailed(id, stopFailures);
        }
    }

    /**
     * Installs and starts the plugin archive at {@code file}. Its required dependencies must be running.
     *
     * @param file a {@code .jar} or {@code .zip} plugin archive
     * @return the id of the installed plugin
     * @throws PluginArchiveException when the archive is unreadable or breaks a rule (its id is installed,
     *     a dependency is missing, stopped or out of range, a cycle, disabled); nothing changed
     * @throws PluginLifecycleException when its {@code init} or {@code start} failed; it is not installed
     */
    public String install(Path file) {
        synchronized (lock) {
            requireOpen();
            PluginArchive a = PluginArchive.read(file);
            String id = a.descriptor().id();
            Slot s = new Slot(a.descriptor().toPluginDescriptor(a.path().toString()), a, null);
            try {
                if (disabled.contains(id)) {
                    throw refusal(
                            s,
                            "it is disabled by " + ConfigKeys.pluginOption(id, ConfigKeys.PLUGIN_ENABLED) + "=false");
                }
                List<ArchiveRules.Candidate> after = candidates();
                after.add(s.candidate());
                ArchiveRules.check(after, disabled);
                for (ArchiveDescriptor.Dependency d : a.descriptor().requires()) {
                    if (!slots.get(d.id()).isRunning()) {
                        throw refusal(s, "it requires plugin '" + d.id() + "', which is not running; start it first");
                    }
                }
            } catch (RuntimeException e) {
                a.close();
                throw e;
            }
            slots.put(id, s);
            try {
                startSet(List.of(s));
            } catch (RuntimeException e) {
                slots.remove(id);
                a.close();
                throw e;
            } finally {
                publish();
            }
            LOG.info("Installed plugin '{}' {} from {}", id, a.descriptor().version(), a.path());
            return id;
        }
    }

    /**
     * Stops and removes an archive plugin; plugins that depend on it optionally are stopped first and
     * started again after, without it. The archive file is left where it is.
     *
     * @param id the plugin
     * @throws IllegalArgumentException when there is no such plugin
     * @throws PluginArchiveException when it is not from an archive or another plugin requires it; nothing
     *     changed
     * @throws PluginLifecycleException when a shutdown failed (it is uninstalled all the same), or an
     *     optional dependent failed to start again
     */
    public void uninstall(String id) {
        synchronized (lock) {
            Slot s = changeable(id, "uninstalled");
            List<String> requiredBy = slots.values().stream()
                    .filter(o -> o.descriptor.requiredDependencies().contains(id))
                    .map(o -> o.id)
                    .sorted()
                    .toList();
            if (!requiredBy.isEmpty()) {
                throw refusal(s, "plugin(s) " + requiredBy + " require it; uninstall them first");
            }
            Set<String> affected = runningDependents(id);
            refuseClassPath(s, affected, "uninstalled");
            Set<String> stopping = new LinkedHashSet<>(affected);
            stopping.add(id);
            List<PluginLifecycleException> failures = stopSet(inOrder(stopping), x -> "being uninstalled");
            slots.remove(id);
            publish();
            Objects.requireNonNull(s.archive).close();
            startSet(inOrder(affected));
            LOG.info("Uninstalled plugin '{}'", id);
            throwIfFailed(id, failures);
        }
    }

    /**
     * Shuts every running plugin down in reverse dependency order, then closes every class loader and
     * archive copy. Called once, by the runtime's {@code close()}.
     *
     * @return one exception per shutdown that threw or overran
     */
    public List<PluginLifecycleException> shutdownAll() {
        synchronized (lock) {
            closed = true;
            FolderWatch w = watch;
            if (w != null) {
                w.close();
            }
            List<Slot> running = inOrder(slots.values().stream()
                    .filter(s -> s.running != null)
                    .map(s -> s.id)
                    .collect(Collectors.toCollection(LinkedHashSet::new)));
            List<PluginLifecycleException> failures = stopSet(running, x -> "the runtime was closed");
            discard();
            return failures;
        }
    }

    /** Closes every class loader and archive copy, for a startup that failed; plugins were shut down. */
    public void discard() {
        synchronized (lock) {
            closed = true;
            for (Slot s : slots.values()) {
                ReleasingStore st = s.store;
                if (st != null) {
                    st.release();
                }
                unload(s);
                PluginArchive a = s.archive;
                if (a != null) {
                    a.close();
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------- reads

    /** @return every installed plugin in start order, then those not enabled; does not wait for a change */
    public List<PluginInfo> info() {
        List<PluginInfo> out = new ArrayList<>();
        for (Slot s : ordered(view)) {
            ManagedPlugin mp = s.running;
            PluginState state = mp == null ? PluginState.STOPPED : mp.state().get();
            PluginArchive a = s.archive;
            PluginDescriptor d = s.descriptor;
            List<String> deps = a != null
                    ? a.descriptor().describeDependencies()
                    : new ArrayList<>(new java.util.TreeSet<>(d.requiredDependencies()));
            String reason = s.reason;
            out.add(new PluginInfo(
                    s.id,
                    d.version(),
                    d.source(),
                    a != null,
                    state,
                    deps,
                    state == PluginState.STARTED ? null : reason == null ? "not started" : reason));
        }
        return out;
    }

    /**
     * @return every enabled installed plugin with its state (STOPPED when it has no running instance) and
     *     the health checks its current instance registered, for the health report, in start order; does
     *     not wait for a change
     */
    public List<HealthMonitor.Monitored> monitored() {
        List<HealthMonitor.Monitored> out = new ArrayList<>();
        for (Slot s : ordered(view)) {
            if (disabled.contains(s.id)) {
                continue;
            }
            ManagedPlugin mp = s.running;
            PluginChecks checks = s.checks;
            out.add(new HealthMonitor.Monitored(
                    s.id,
                    mp == null ? () -> PluginState.STOPPED : mp.state()::get,
                    // Checks run only for a STARTED plugin, so one that never started needs none.
                    checks == null ? new PluginChecks(s.id) : checks));
        }
        return out;
    }

    /**
     * @param id a plugin id
     * @return its state, {@code null} when it is not installed or is disabled; does not wait for a change
     */
    public @Nullable PluginState state(String id) {
        Slot s = view.get(id);
        if (s == null || disabled.contains(id)) {
            return null;
        }
        ManagedPlugin mp = s.running;
        return mp == null ? PluginState.STOPPED : mp.state().get();
    }

    /** @return descriptors of the enabled installed plugins in start order; does not wait for a change */
    public List<PluginDescriptor> descriptors() {
        return ordered(view).stream()
                .filter(s -> !disabled.contains(s.id))
                .map(s -> s.descriptor)
                .toList();
    }

    // ------------------------------------------------------------------------------------------- steps

    private void load(Slot s) {
        PluginArchive a = Objects.requireNonNull(s.archive);
        ArchiveDescriptor d = a.descriptor();
        Map<String, ClassLoader> exports = new HashMap<>();
        List<ArchiveDescriptor.Dependency> deps = new ArrayList<>(d.requires());
        deps.addAll(d.optional());
        for (ArchiveDescriptor.Dependency dep : deps) {
            Slot ds = slots.get(dep.id());
            if (ds != null && ds.loader != null && ds.archive != null) {
                for (String pkg : ds.archive.descriptor().exports()) {
                    exports.put(pkg, ds.loader);
                }
            }
        }
        PluginClassLoader loader = new PluginClassLoader(s.id, a, host, exports);
        try {
            s.instance = PluginInstances.create(a, loader);
        } catch (RuntimeException | LinkageError e) {
            close(loader);
            throw e;
        }
        s.loader = loader;
    }

    private ManagedPlugin manage(Slot s) {
        Plugin p = s.archive != null ? Objects.requireNonNull(s.instance) : Objects.requireNonNull(s.classPathInstance);
        Objects.requireNonNull(engine);
        ReleasingStore store = new ReleasingStore(storeOf.apply(s.id), s.id);
        Function<String, KeyValueStore> stores = x -> store;
        PluginChecks checks = new PluginChecks(s.id);
        RuntimePluginContext ctx = new RuntimePluginContext(
                s.descriptor,
                new SectionPluginConfig(s.id, config.pluginSection(s.id, slots.keySet())),
                stores,
                new PluginServices(services, s.id),
                checks);
        s.checks = checks;
        ManagedPlugin mp = new ManagedPlugin(p, s.descriptor, new PluginStateHolder(s.id), ctx);
        s.store = store;
        s.running = mp;
        s.reason = null;
        return mp;
    }

    private void startSet(List<Slot> toStart) {
        if (toStart.isEmpty()) {
            return;
        }
        List<ManagedPlugin> fresh = new ArrayList<>();
        try {
            for (Slot s : toStart) {
                if (s.loader == null && s.archive != null) {
                    load(s);
                }
                fresh.add(manage(s));
            }
            new LifecycleManager(fresh, services, startTimeout, shutdownTimeout)
                    .startAll(new StartupAbort(Thread.currentThread()));
        } catch (RuntimeException | Error e) {
            String why = "failed to start: " + e.getMessage();
            for (Slot s : toStart) {
                ReleasingStore st = s.store;
                if (st != null) {
                    st.release();
                }
                unload(s);
                s.running = null;
                s.store = null;
                s.reason = why;
            }
            throw e;
        }
        LOG.info(
                "Started plugin(s) {}",
                toStart.stream().map(s -> s.id + " " + s.descriptor.version()).toList());
    }

    private List<PluginLifecycleException> stopSet(List<Slot> toStop, Function<String, String> reason) {
        List<ManagedPlugin> mps =
                toStop.stream().map(s -> s.running).filter(Objects::nonNull).toList();
        List<PluginLifecycleException> failures =
                new LifecycleManager(mps, services, startTimeout, shutdownTimeout).shutdownAll();
        for (int i = toStop.size() - 1; i >= 0; i--) {
            Slot s = toStop.get(i);
            ReleasingStore st = s.store;
            if (st != null) {
                int open = st.release();
                if (open > 0) {
                    LOG.info("Plugin '{}' stopped with {} lock(s) or watch(es) still open; released them", s.id, open);
                }
            }
            services.withdraw(s.id);
            unload(s);
            s.running = null;
            s.store = null;
            s.reason = reason.apply(s.id);
        }
        StorageEngine e = engine;
        if (e != null && !toStop.isEmpty()) {
            e.forgetPluginClasses();
        }
        return failures;
    }

    private void unload(Slot s) {
        PluginClassLoader l = s.loader;
        s.loader = null;
        s.instance = null;
        if (l != null) {
            close(l);
        }
    }

    private static void close(PluginClassLoader l) {
        try {
            l.close();
        } catch (IOException e) {
            LOG.warn("Closing the class loader of plugin '{}' failed", l.pluginId(), e);
        }
    }

    private PluginArchive find(String id, Path installedFrom) {
        if (folder == null) {
            return PluginArchive.read(installedFrom);
        }
        List<PluginArchive> matches = new ArrayList<>();
        for (PluginArchive a : ArchiveFolder.readTolerantly(folder)) {
            if (a.descriptor().id().equals(id)) {
                matches.add(a);
            } else {
                a.close();
            }
        }
        if (matches.size() == 1) {
            return matches.get(0);
        }
        matches.forEach(PluginArchive::close);
        Path where = matches.isEmpty() ? folder : matches.get(1).path();
        throw new PluginArchiveException(
                id,
                where,
                matches.isEmpty()
                        ? "Cannot reload plugin '" + id + "': no readable archive with id '" + id + "' in " + folder
                        : "Cannot reload plugin '" + id + "': two archives in " + folder + " have id '" + id + "': "
                                + matches.get(0).path() + " and "
                                + matches.get(1).path() + ". Remove one of them.",
                null);
    }

    private Slot changeable(String id, String verb) {
        requireOpen();
        Slot s = slots.get(id);
        if (s == null) {
            throw new IllegalArgumentException("No plugin '" + id + "' is installed; plugins: " + slots.keySet());
        }
        if (s.archive == null) {
            throw new PluginArchiveException(
                    id,
                    Path.of(s.descriptor.source()),
                    "Plugin '" + id + "' (" + s.descriptor.source() + ") cannot be " + verb
                            + " at run time: only plugins from archives in the plugins folder can",
                    null);
        }
        return s;
    }

    private void requireOpen() {
        if (closed || engine == null) {
            throw new IllegalStateException("Plugins can be controlled while the runtime is running");
        }
    }

    private void refuseClassPath(Slot changed, Set<String> affected, String verb) {
        for (String a : affected) {
            Slot o = slots.get(a);
            if (o.archive == null) {
                throw refusal(
                        changed,
                        "it cannot be " + verb + ": plugin '" + a + "' (" + o.descriptor.source()
                                + ") depends on it and is not from an archive, so it cannot be stopped at run time");
            }
        }
    }

    private static PluginArchiveException refusal(Slot s, String rule) {
        PluginArchive a = s.archive;
        Path p = a == null ? Path.of(s.descriptor.source()) : a.path();
        return new PluginArchiveException(
                s.id, p, "Plugin archive " + p + " (plugin '" + s.id + "') was refused: " + rule, null);
    }

    /** Running plugins that depend on {@code id}, required or optional, transitively. */
    private Set<String> runningDependents(String id) {
        Set<String> out = new LinkedHashSet<>();
        List<String> todo = new ArrayList<>(List.of(id));
        while (!todo.isEmpty()) {
            String current = todo.remove(todo.size() - 1);
            for (Slot o : slots.values()) {
                if (o.isRunning()
                        && (o.descriptor.requiredDependencies().contains(current)
                                || o.descriptor.optionalDependencies().contains(current))
                        && out.add(o.id)) {
                    todo.add(o.id);
                }
            }
        }
        return out;
    }

    private void stoppedRequirements(Slot s, Set<String> need) {
        if (s.isRunning() || !need.add(s.id)) {
            return;
        }
        for (String dep : s.descriptor.requiredDependencies()) {
            Slot d = slots.get(dep);
            if (d != null && !d.isRunning()) {
                if (d.archive == null) {
                    throw refusal(s, "its dependency '" + dep + "' is not running and is not from an archive");
                }
                stoppedRequirements(d, need);
            }
        }
    }

    private List<ArchiveRules.Candidate> candidates() {
        return candidates(slots);
    }

    private static List<ArchiveRules.Candidate> candidates(Map<String, Slot> of) {
        List<ArchiveRules.Candidate> out = new ArrayList<>();
        of.values().forEach(s -> out.add(s.candidate()));
        return out;
    }

    /** Every slot of {@code of}, enabled ones in dependency order first. */
    private List<Slot> ordered(Map<String, Slot> of) {
        List<Slot> out = new ArrayList<>(inOrder(of, of.keySet()));
        of.values().stream().filter(s -> !out.contains(s)).forEach(out::add);
        return out;
    }

    private List<Slot> inOrder(Collection<String> ids) {
        return inOrder(slots, ids);
    }

    private List<Slot> inOrder(Map<String, Slot> of, Collection<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        List<PluginDescriptor> order = ArchiveRules.check(candidates(of), disabled);
        List<Slot> out = new ArrayList<>();
        for (PluginDescriptor d : order) {
            if (ids.contains(d.id())) {
                out.add(of.get(d.id()));
            }
        }
        return out;
    }

    private static void throwIfFailed(String id, List<PluginLifecycleException> failures) {
        if (failures.isEmpty()) {
            return;
        }
        PluginLifecycleException summary = new PluginLifecycleException(
                failures.size() == 1 ? failures.get(0).pluginId() : id,
                Phase.SHUTDOWN,
                "Stopping for a change to plugin '" + id + "' finished with " + failures.size() + " failure(s): "
                        + failures.stream().map(Throwable::getMessage).collect(Collectors.joining("; ")),
                null);
        failures.forEach(summary::addSuppressed);
        throw summary;
    }
}
