package dev.plinth.core.config;

import dev.plinth.api.ConfigurationException;
import dev.plinth.api.storage.KeyValueStore;
import java.time.Duration;
import java.util.Objects;

/**
 * The runtime-wide settings: storage limits and the per-plugin lifecycle bounds.
 *
 * @param storage {@code plinth.storage.maxValueBytes|watchBufferSize|lockLease}
 * @param startTimeout {@code plinth.runtime.startTimeout}: how long one plugin's {@code init()}, and
 *     separately its {@code start()}, may take before startup fails naming that plugin
 * @param shutdownTimeout {@code plinth.runtime.shutdownTimeout}: how long one plugin's {@code shutdown()}
 *     may take before the runtime stops waiting for it
 */
public record RuntimeSettings(StorageSettings storage, Duration startTimeout, Duration shutdownTimeout) {
    /**
     * The bound on one {@code init()} or {@code start()} when none is configured: 60 s. Larger than the
     * shutdown bound because starting legitimately waits on the outside world (connecting to a database or
     * broker whose clients commonly default to 10-30 s connect timeouts, running a schema migration,
     * warming a cache), and a bound that fires on a slow but healthy start is worse than none. Smaller than
     * the 90 s a service manager such as systemd grants a unit to start by default, so a stuck plugin is
     * reported by the runtime, with its name and stack, rather than the process being killed without a
     * word about which plugin hung.
     */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
    /** The shutdown bound when none is configured. */
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

    /**
     * @param storage storage settings
     * @param startTimeout the per-plugin bound on {@code init()} and on {@code start()}
     * @param shutdownTimeout the per-plugin shutdown bound
     * @throws NullPointerException when an argument is {@code null}
     * @throws IllegalArgumentException when a timeout is not positive or is longer than
     *     {@link KeyValueStore#MAX_DURATION}
     */
    public RuntimeSettings {
        Objects.requireNonNull(storage, "storage");
        requirePositive(startTimeout, "startTimeout");
        requirePositive(shutdownTimeout, "shutdownTimeout");
    }

    private static void requirePositive(Duration timeout, String name) {
        Objects.requireNonNull(timeout, name);
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, was " + timeout);
        }
        if (timeout.compareTo(KeyValueStore.MAX_DURATION) > 0) {
            throw new IllegalArgumentException(name + " must be at most KeyValueStore.MAX_DURATION ("
                    + KeyValueStore.MAX_DURATION.toDays() + "d), was " + timeout);
        }
    }

    /** @return storage defaults, a 60 s start bound and a 10 s shutdown bound */
    public static RuntimeSettings defaults() {
        return new RuntimeSettings(StorageSettings.defaults(), DEFAULT_START_TIMEOUT, DEFAULT_SHUTDOWN_TIMEOUT);
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
            Duration v = ConfigValues.parseDuration(
                    k, config.origin(k), config.get(k).get());
            StorageSettings base = s;
            s = inRange(k, config, () -> base.withLockLease(v));
        }
        return new RuntimeSettings(
                s,
                timeout(config, ConfigKeys.RUNTIME_START_TIMEOUT, DEFAULT_START_TIMEOUT),
                timeout(config, ConfigKeys.RUNTIME_SHUTDOWN_TIMEOUT, DEFAULT_SHUTDOWN_TIMEOUT));
    }

    /** A positive duration: negative is rejected by the parser, zero here (it would fail every call). */
    private static Duration timeout(EffectiveConfig config, String key, Duration fallback) {
        if (config.get(key).isEmpty()) {
            return fallback;
        }
        Duration timeout = ConfigValues.parseDuration(
                key, config.origin(key), config.get(key).get());
        if (timeout.isZero()) {
            throw ConfigValues.invalid(
                    key,
                    config.origin(key),
                    "must be positive, was '" + config.get(key).get() + "'",
                    null);
        }
        return timeout;
    }

    private static StorageSettings inRange(
            String key, EffectiveConfig config, java.util.function.Supplier<StorageSettings> make) {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            throw ConfigValues.invalid(key, config.origin(key), e.getMessage(), e);
        }
    }
}
