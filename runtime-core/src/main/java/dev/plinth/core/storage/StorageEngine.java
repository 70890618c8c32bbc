package dev.plinth.core.storage;

import dev.plinth.api.ConfigurationException;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.StorageException;
import dev.plinth.api.storage.StorageOpenException;
import dev.plinth.api.storage.StoreClosedException;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.ProviderConfig;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.StorageProvider;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open storage backend and everything the runtime layers on it: scoped stores, watch delivery and
 * lock leases. The runtime owns one per run; the provider TCK opens one per test.
 *
 * <p>The write path is one straight line: {@link KeyValueStore} call on a scoped store &rarr; validation
 * and encoding in the store &rarr; one backend call with the namespace as its own argument &rarr; the
 * backend reports the committed change to the watch hub &rarr; the hub enqueues it for matching
 * subscriptions.
 *
 * <p>Thread-safe. {@link #close()} is idempotent; afterwards every store call throws
 * {@link StoreClosedException}.
 */
public final class StorageEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StorageEngine.class);

    private final StorageProvider provider;
    private final StorageBackend backend;
    private final WatchHub watchHub;
    private final LockService locks;
    private final WriteChecks checks;
    private final ValueCodec codec = new ValueCodec();
    private final AtomicBoolean closed = new AtomicBoolean();

    private StorageEngine(StorageProvider provider, StorageBackend backend, WatchHub watchHub,
            StorageSettings settings) {
        this.provider = provider;
        this.backend = backend;
        this.watchHub = watchHub;
        this.locks = new LockService(backend, settings.lockLease());
        this.checks = new WriteChecks(settings.maxValueBytes());
    }

    /**
     * Opens {@code provider} with {@code config}.
     *
     * @param provider the chosen provider
     * @param config its validated options
     * @param settings runtime-wide storage settings
     * @return the open engine
     * @throws StorageOpenException when the provider cannot open its backend: the provider's own
     *     {@code StorageOpenException} as thrown, any other failure wrapped once in one naming the provider
     *     (retryable when the failure was)
     * @throws dev.plinth.api.ConfigurationException when the provider rejects an option at open, as thrown
     */
    public static StorageEngine open(StorageProvider provider, ProviderConfig config, StorageSettings settings) {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(settings, "settings");
        WatchHub hub = new WatchHub(settings.watchBufferSize());
        StorageBackend backend;
        try {
            backend = provider.open(config, hub);
        } catch (StorageOpenException | ConfigurationException e) {
            hub.close();
            throw e;
        } catch (StorageException e) {
            hub.close();
            throw new StorageOpenException(provider.id(), e.getMessage(), e);
        } catch (RuntimeException e) {
            hub.close();
            throw new StorageOpenException(provider.id(), "unexpected " + e, e, false);
        }
        if (backend == null) {
            hub.close();
            throw new StorageOpenException(provider.id(), "open() returned no backend (a bug in the provider)", null,
                    false);
        }
        hub.attach(backend);
        LOG.debug("Opened storage provider '{}' with {}", provider.id(), config);
        return new StorageEngine(provider, backend, hub, settings);
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

    /** @return the open backend (for diagnostics and tests; plugins use {@link #store}) */
    public StorageBackend backend() {
        return backend;
    }

    /** @return the number of watch subscriptions currently active across all scopes */
    public int activeSubscriptions() {
        return watchHub.activeSubscriptions();
    }

    /** @return {@code true} once {@link #close()} was called */
    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Stops watch delivery and lock renewal, then closes the backend. Idempotent, thread-safe.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            watchHub.close();
            locks.close();
            backend.close();
            LOG.debug("Closed storage provider '{}'", provider.id());
        }
    }

    StorageBackend liveBackend() {
        if (closed.get()) {
            throw new StoreClosedException("Storage (provider '" + provider.id() + "')");
        }
        return backend;
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
