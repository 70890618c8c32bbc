package dev.plinth.bench;

import dev.plinth.core.config.StorageLayers;
import dev.plinth.core.config.StorageSettings;
import dev.plinth.core.storage.StorageEngine;
import dev.plinth.spi.storage.ProviderConfig;
import dev.plinth.spi.storage.StorageProvider;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Opens the Plinth side of a benchmark the way the runtime does: the provider is found with
 * {@link ServiceLoader} by id (so the shaded jar's merged {@code META-INF/services} is exercised too) and
 * opened through {@link StorageEngine} with default {@link StorageSettings}, so every measured call goes
 * through key validation, value copying and watch fan-out exactly as a plugin's call would.
 */
public final class Plinth {
    /** The plugin id every benchmark store is scoped to. */
    public static final String NAMESPACE = "bench";

    private Plinth() {}

    /**
     * @param providerId the provider id, for example {@code sqlite}
     * @return the provider, or empty when its jar is not on the class path
     */
    public static Optional<StorageProvider> find(String providerId) {
        for (StorageProvider p : ServiceLoader.load(StorageProvider.class)) {
            if (p.id().equals(providerId)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * @param providerId the provider id
     * @param options raw option values, names without the {@code plinth.storage.<id>.} prefix
     * @return the open engine; close it in the fixture's tear-down
     * @throws IllegalStateException when the provider is not on the class path
     */
    public static StorageEngine open(String providerId, Map<String, String> options) {
        return open(providerId, options, StorageLayers.none());
    }

    /**
     * @param providerId the provider id
     * @param options raw option values, names without the {@code plinth.storage.<id>.} prefix
     * @param layers the near cache and value codecs to open with
     * @return the open engine; close it in the fixture's tear-down
     * @throws IllegalStateException when the provider is not on the class path
     */
    public static StorageEngine open(String providerId, Map<String, String> options, StorageLayers layers) {
        StorageProvider provider = find(providerId)
                .orElseThrow(() -> new IllegalStateException(
                        "Storage provider '" + providerId + "' is not in the benchmarks jar"));
        ProviderConfig.Builder config = ProviderConfig.builder(provider);
        options.forEach(config::set);
        return StorageEngine.open(
                provider, config.build(), StorageSettings.defaults(), java.time.InstantSource.system(), layers);
    }

    /**
     * Opens the Redis provider on the private benchmark server ({@link RedisServer}).
     *
     * @param keyPrefix the prefix that keeps this benchmark's keys apart from others on the server
     * @param poolSize the connection pool size, or 0 for the provider's default
     * @param layers the near cache and value codecs to open with
     * @return the open engine; close it in the fixture's tear-down
     * @throws IllegalStateException when no private server was given
     */
    public static StorageEngine openRedis(String keyPrefix, int poolSize, StorageLayers layers) {
        Map<String, String> options = new java.util.LinkedHashMap<>();
        options.put("uri", "redis://" + RedisServer.HOST + ":" + RedisServer.port());
        options.put("keyPrefix", keyPrefix);
        if (poolSize > 0) {
            options.put("poolSize", Integer.toString(poolSize));
        }
        return open("redis", options, layers);
    }
}
