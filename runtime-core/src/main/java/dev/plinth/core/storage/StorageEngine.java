package dev.plinth.core.storage;

import dev.plinth.api.ConfigurationException;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.StorageException;
import dev.plinth.api.storage.StorageOpenException;
import dev.plinth.api.storage.StoreClosedException;
import dev.plinth.core.config.StorageLayers;
import dev.plinth.core.config.StorageSettings;
import dev.plinth.core.health.NearCacheStats;
import dev.plinth.core.health.StorageStats;
import dev.plinth.spi.storage.Capability;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.ProviderConfig;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.StorageProvider;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open storage backend and everything the runtime layers on it: scoped stores, watch delivery and
 * lock leases. The runtime owns one per run; the provider TCK opens one per test.
 *
 * <p>The write path is one straight line: {@link KeyValueStore} call on a scoped store &rarr; validation
 * and encoding in the store &rarr; one backend call with the namespace as its own argument (the native
 * part, or the runtime's default built on the backend's required core) &rarr; the committed change is
 * reported to the watch hub (by the backend's change feed, or by the runtime from the commit result)
 * &rarr; the hub enqueues it for matching subscriptions. How the runtime talks to the backend is decided
 * once, at open ({@link BackendAssembly}).
 *
 * <p>Thread-safe. {@link #close()} is idempotent; afterwards every store call throws
 * {@link StoreClosedException}.
 */
public final class StorageEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StorageEngine.class);

    private final StorageProvider provider;
    private final StorageBackend rawBackend;
    private final BackendOps backend;
    private final WatchHub watchHub;
    private final LockService locks;
    private final WriteChecks checks;
    private final InstantSource clock;
    private final ScheduledExecutorService scheduler;
    private final ValueCodec codec = new ValueCodec();
    private final @Nullable NearCache nearCache;
    private final long maxKeys;
    private final AtomicBoolean closed = new AtomicBoolean();

    private StorageEngine(
            StorageProvider provider,
            StorageBackend rawBackend,
            BackendOps backend,
            WatchHub watchHub,
            StorageSettings settings,
            InstantSource clock,
            ScheduledExecutorService scheduler,
            @Nullable NearCache nearCache,
            long maxKeys) {
        this.provider = provider;
        this.rawBackend = rawBackend;
        this.backend = backend;
        this.watchHub = watchHub;
        this.locks = new LockService(backend.locks(), settings.lockLease());
        this.checks = new WriteChecks(settings.maxValueBytes());
        this.clock = clock;
        this.scheduler = scheduler;
        this.nearCache = nearCache;
        this.maxKeys = maxKeys;
    }

    /**
     * Opens {@code provider} with {@code config}, on the system clock.
     *
     * @param provider the chosen provider
     * @param config its validated options
     * @param settings runtime-wide storage settings
     * @return the open engine
     * @throws StorageOpenException when the provider cannot open its backend: the provider's own
     *     {@code StorageOpenException} as thrown, any other failure wrapped once in one naming the provider
     *     (retryable when the failure was); also when the provider was built for another SPI version or its
     *     backend lacks a part its capabilities need
     * @throws dev.plinth.api.ConfigurationException when the provider rejects an option at open, as thrown
     */
    public static StorageEngine open(StorageProvider provider, ProviderConfig config, StorageSettings settings) {
        return open(provider, config, settings, InstantSource.system());
    }

    /**
     * Opens {@code provider} with {@code config} on the given clock, which the backend and the runtime's
     * expiry bookkeeping read (tests pass a fake one).
     *
     * @param provider the chosen provider
     * @param config its validated options
     * @param settings runtime-wide storage settings
     * @param clock the clock expiry is measured against
     * @return the open engine
     * @throws StorageOpenException as {@link #open(StorageProvider, ProviderConfig, StorageSettings)}
     * @throws dev.plinth.api.ConfigurationException as {@link #open(StorageProvider, ProviderConfig, StorageSettings)}
     */
    public static StorageEngine open(
            StorageProvider provider, ProviderConfig config, StorageSettings settings, InstantSource clock) {
        return open(provider, config, settings, clock, StorageLayers.none());
    }

    /**
     * Opens {@code provider} with {@code config} and the optional layers between the scoped stores and the
     * backend: the near cache ({@link CachingBackendOps}) and the value codecs. Which layers run, and for
     * which plugins, is decided here once; a store call never asks.
     *
     * @param provider the chosen provider
     * @param config its validated options
     * @param settings runtime-wide storage settings
     * @param clock the clock expiry is measured against
     * @param layers the near cache and codec settings, {@link StorageLayers#none()} for neither
     * @return the open engine
     * @throws StorageOpenException as {@link #open(StorageProvider, ProviderConfig, StorageSettings)}
     * @throws dev.plinth.api.ConfigurationException as {@link #open(StorageProvider, ProviderConfig, StorageSettings)},
     *     and when a near cache is configured for a provider that shares its data across processes without
     *     reporting their changes ({@link Capability#CROSS_PROCESS_EVENTS}), which no cache could keep coherent
     */
    public static StorageEngine open(
            StorageProvider provider,
            ProviderConfig config,
            StorageSettings settings,
            InstantSource clock,
            StorageLayers layers) {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(layers, "layers");
        SpiVersion.check(provider);
        if (layers.anyCache()) {
            java.util.Set<Capability> caps = provider.capabilities(config);
            if (caps.contains(Capability.SHARED_ACROSS_PROCESSES) && !caps.contains(Capability.CROSS_PROCESS_EVENTS)) {
                throw new ConfigurationException(
                        dev.plinth.core.config.ConfigKeys.STORAGE_CACHE_ENABLED,
                        "The near cache cannot be used with storage provider '" + provider.id() + "': its data is"
                                + " shared across processes, but it does not report their changes"
                                + " (CROSS_PROCESS_EVENTS), so cached values could stay stale forever");
            }
        }
        WatchHub hub = new WatchHub(settings.watchBufferSize());
        // The cache hears every change first, so a key is forgotten before a watcher is told it changed.
        NearCache near = layers.anyCache() ? new NearCache(layers, clock, hub) : null;
        ChangeListener changes = near != null ? near : hub;
        ScheduledExecutorService scheduler = newScheduler(provider.id());
        StorageBackend backend;
        try {
            backend = provider.open(config, new EngineContext(changes, clock, scheduler));
        } catch (StorageOpenException | ConfigurationException e) {
            abandon(hub, scheduler);
            throw e;
        } catch (StorageException e) {
            abandon(hub, scheduler);
            throw new StorageOpenException(provider.id(), e.getMessage(), e);
        } catch (RuntimeException e) {
            abandon(hub, scheduler);
            throw new StorageOpenException(provider.id(), "unexpected " + e, e, false);
        }
        if (backend == null) {
            abandon(hub, scheduler);
            throw new StorageOpenException(
                    provider.id(), "open() returned no backend (a bug in the provider)", null, false);
        }
        BackendAssembly.Assembled assembled;
        try {
            assembled = BackendAssembly.assemble(provider, config, backend, changes, clock, System::nanoTime);
        } catch (RuntimeException e) {
            backend.close();
            abandon(hub, scheduler);
            throw e;
        }
        long period = assembled.period().toMillis();
        Runnable periodic = assembled.periodic();
        // Ends with the scheduler at close(); a failed run is logged and the next one goes ahead.
        var unused = scheduler.scheduleWithFixedDelay(
                () -> {
                    try {
                        periodic.run();
                    } catch (RuntimeException e) {
                        LOG.warn(
                                "Storage background work of provider '{}' failed; it runs again in {} ms",
                                provider.id(),
                                period,
                                e);
                    }
                },
                period,
                period,
                TimeUnit.MILLISECONDS);
        BackendOps ops = assembled.ops();
        // Always, even with no codec configured: values framed while one was must still decode, never
        // reach a plugin as frame bytes; unframed values pass with one four-byte comparison.
        ops = new CodecBackendOps(ops, layers);
        if (near != null) {
            ops = new CachingBackendOps(ops, near);
        }
        hub.attach(ops);
        LOG.debug(
                "Opened storage provider '{}' with {} ({}{})",
                provider.id(),
                config,
                assembled.ops().getClass().getSimpleName(),
                (layers.anyCodec() ? ", value codecs " + layers.codec() + " " + layers.pluginCodec() : "")
                        + (near != null ? ", near cache " + layers.cache() + " " + layers.pluginCache() : ""));
        return new StorageEngine(
                provider,
                backend,
                ops,
                hub,
                settings,
                clock,
                scheduler,
                near,
                BackendAssembly.maxKeys(provider, config));
    }

    private static ScheduledExecutorService newScheduler(String providerId) {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "plinth-storage-" + providerId);
            t.setDaemon(true);
            return t;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        return scheduler;
    }

    private static void abandon(WatchHub hub, ScheduledExecutorService scheduler) {
        hub.close();
        scheduler.shutdownNow();
    }

    /**
     * @param pluginId a plugin id
     * @return the store scoped to that plugin's namespace
     * @throws dev.plinth.api.plugin.InvalidPluginIdException when the id breaks the grammar
     */
    public KeyValueStore store(String pluginId) {
        return new ScopedStore(this, Namespace.of(pluginId));
    }

    /** @return the provider this engine opened */
    public StorageProvider provider() {
        return provider;
    }

    /**
     * @return the provider's open backend, for diagnostics and provider tests; plugins use {@link #store},
     *     which adds validation, copies, events, quotas and locks that calling the backend directly skips
     */
    public StorageBackend backend() {
        return rawBackend;
    }

    /** @return the number of watch subscriptions currently active across all namespaces */
    public int activeSubscriptions() {
        return watchHub.activeSubscriptions();
    }

    /**
     * Diagnostics: the locks the runtime holds for callers of this engine (handles not yet closed). It
     * returns to zero once every handle is closed, so no registry leaks.
     *
     * @return the number of held lock handles
     */
    public int heldLocks() {
        return locks.held();
    }

    /**
     * Diagnostics: the lock entries kept for this engine, by the backend ({@link
     * dev.plinth.spi.storage.NativeLocks#lockEntries()}) or by the runtime's in-process table. Returns to
     * zero once every lock is released.
     *
     * @return the number of lock entries
     */
    public int lockEntries() {
        return backend.locks().lockEntries();
    }

    /**
     * Diagnostics: the near cache's counts (hits, misses, invalidations, evictions, whole-scope drops).
     *
     * @return the counts, or empty when no plugin's reads are cached
     */
    public java.util.Optional<NearCacheStats> cacheStats() {
        return nearCache == null ? java.util.Optional.empty() : java.util.Optional.of(nearCache.stats());
    }

    /**
     * Diagnostics for metrics: figures the engine keeps anyway, so reading them costs no backend call.
     *
     * @return the quota, held locks, watch backlog per plugin and near-cache counts, as of now
     */
    public StorageStats stats() {
        return new StorageStats(maxKeys, locks.held(), watchHub.backlog(), cacheStats());
    }

    /**
     * Forgets the classes the object codec learnt about, so that the class loader of a plugin that
     * stopped can be collected. Thread-safe; stores keep working (the codec learns each type again).
     */
    public void forgetPluginClasses() {
        codec.forgetClasses();
    }

    /** @return {@code true} once {@link #close()} was called */
    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Stops watch delivery, lock renewal and background work, then closes the backend. Idempotent,
     * thread-safe.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            watchHub.close();
            locks.close();
            try {
                backend.close();
            } finally {
                scheduler.shutdownNow();
            }
            LOG.debug("Closed storage provider '{}'", provider.id());
        }
    }

    BackendOps liveBackend() {
        if (closed.get()) {
            throw new StoreClosedException("Storage (provider '" + provider.id() + "')");
        }
        return backend;
    }

    InstantSource clock() {
        return clock;
    }

    WriteChecks checks() {
        return checks;
    }

    ValueCodec codec() {
        return codec;
    }

    WatchHub watchHub() {
        return watchHub;
    }

    LockService locks() {
        return locks;
    }
}
