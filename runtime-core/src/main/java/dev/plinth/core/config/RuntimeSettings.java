package dev.plinth.core.config;

import dev.plinth.api.ConfigurationException;
import dev.plinth.core.storage.StorageSettings;
import java.time.Duration;
import java.util.Objects;

/**
 * The runtime-wide settings: storage limits and the per-plugin shutdown bound.
 *
 * @param storage {@code plinth.storage.maxValueBytes|watchBufferSize|lockLease}
 * @param shutdownTimeout {@code plinth.runtime.shutdownTimeout}: how long one plugin's {@code shutdown()}
 *     may take before the runtime stops waiting for it
 */
public record RuntimeSettings(StorageSettings storage, Duration shutdownTimeout) {
    /** The shutdown bound when none is configured. */
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

    /**
     * @param storage storage settings
     * @param shutdownTimeout the per-plugin shutdown bound
     * @throws NullPointerException when an argument is {@code null}
     * @throws IllegalArgumentException when the timeout is not positive
     */
    public RuntimeSettings {
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        if (shutdownTimeout.isZero() || shutdownTimeout.isNegative()) {
            throw new IllegalArgumentException("shutdownTimeout must be positive, was " + shutdownTimeout);
        }
    }

    /** @return storage defaults and a 10 s shutdown bound */
    public static RuntimeSettings defaults() {
        return new RuntimeSettings(StorageSettings.defaults(), DEFAULT_SHUTDOWN_TIMEOUT);
    }

    /**
     * @param config the effective configuration
     * @return the settings, defaults for what is not configured
     * @throws ConfigurationException naming the key when a value does not parse or is out of range
     */
    public static RuntimeSettings from(EffectiveConfig config) {
        StorageSettings s = StorageSettings.defaults();
        String k = ConfigKeys.STORAGE_MAX_VALUE_BYTES;
        if (config.get(k).isPresent()) {
            long v = ConfigValues.parseLong(k, config.origin(k), config.get(k).get());
            StorageSettings base = s;
            s = inRange(k, config, () -> base.withMaxValueBytes(v));
        }
        k = ConfigKeys.STORAGE_WATCH_BUFFER_SIZE;
        if (config.get(k).isPresent()) {
            int v = ConfigValues.parseInt(k, config.origin(k), config.get(k).get());
            StorageSettings base = s;
            s = inRange(k, config, () -> base.withWatchBufferSize(v));
        }
        k = ConfigKeys.STORAGE_LOCK_LEASE;
        if (config.get(k).isPresent()) {
            Duration v = ConfigValues.parseDuration(k, config.origin(k), config.get(k).get());
            StorageSettings base = s;
            s = inRange(k, config, () -> base.withLockLease(v));
        }
        Duration timeout = DEFAULT_SHUTDOWN_TIMEOUT;
        k = ConfigKeys.RUNTIME_SHUTDOWN_TIMEOUT;
        if (config.get(k).isPresent()) {
            timeout = ConfigValues.parseDuration(k, config.origin(k), config.get(k).get());
            if (timeout.isZero()) {
                throw ConfigValues.invalid(k, config.origin(k), "must be positive, was '" + config.get(k).get() + "'",
                        null);
            }
        }
        return new RuntimeSettings(s, timeout);
    }

    private static StorageSettings inRange(String key, EffectiveConfig config,
            java.util.function.Supplier<StorageSettings> make) {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            throw ConfigValues.invalid(key, config.origin(key), e.getMessage(), e);
        }
    }
}
