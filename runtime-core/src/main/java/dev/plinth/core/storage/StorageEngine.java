package dev.plinth.core.storage;

import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.ProviderConfig;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.StorageProvider;

/**
 * TEMPORARY stand-in with the signature announced in HELPERS.md so the host code compiles on branch
 * wip-host; the lead's real engine replaces this file when main is merged.
 */
public final class StorageEngine implements AutoCloseable {
    private final StorageProvider provider;
    private final StorageBackend backend;
    private boolean closed;

    private StorageEngine(StorageProvider provider, StorageBackend backend) {
        this.provider = provider;
        this.backend = backend;
    }

    /**
     * @param provider the provider
     * @param config its options
     * @param settings runtime-wide settings
     * @return the open engine
     */
    public static StorageEngine open(StorageProvider provider, ProviderConfig config, StorageSettings settings) {
        return new StorageEngine(provider, provider.open(config, ChangeListener.NONE));
    }

    /**
     * @param pluginId the plugin
     * @return its scoped store
     */
    public KeyValueStore store(String pluginId) {
        throw new UnsupportedOperationException("stand-in engine: no scoped stores until main is merged");
    }

    /** @return the provider */
    public StorageProvider provider() {
        return provider;
    }

    /** @return the backend */
    public StorageBackend backend() {
        return backend;
    }

    /** @return live subscriptions */
    public int activeSubscriptions() {
        return 0;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            backend.close();
        }
    }
}
