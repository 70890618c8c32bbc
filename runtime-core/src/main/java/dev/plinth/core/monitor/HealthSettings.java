package dev.plinth.core.monitor;

import dev.plinth.core.config.ConfigKeys;
import dev.plinth.core.config.ConfigValues;
import dev.plinth.core.config.EffectiveConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * How health is checked.
 *
 * @param timeout {@code plinth.health.timeout}: the bound on one storage probe or one plugin check, and so
 *     (plus a little) on one {@code health()} call
 * @param cacheTtl {@code plinth.health.cacheTtl}: how long a report is reused before the next call probes
 *     again; zero probes on every call (still never more than one probe of each part at a time)
 */
public record HealthSettings(Duration timeout, Duration cacheTtl) {
    /** The probe bound when none is configured: 2 s, above every shipped provider's default operation timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    /** How long a report is reused when nothing is configured: 1 s (a scraper polling every second or less
     * then costs one probe a second). */
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(1);

    /**
     * @throws IllegalArgumentException when the timeout is not positive or the ttl is negative
     */
    public HealthSettings {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(cacheTtl, "cacheTtl");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        if (cacheTtl.isNegative()) {
            throw new IllegalArgumentException("cacheTtl must not be negative, was " + cacheTtl);
        }
    }

    /** @return the defaults */
    public static HealthSettings defaults() {
        return new HealthSettings(DEFAULT_TIMEOUT, DEFAULT_CACHE_TTL);
    }

    /**
     * @param config the effective configuration
     * @return the settings, defaults for what is not configured
     * @throws dev.plinth.api.ConfigurationException naming the key when a value does not parse, or the
     *     timeout is zero
     */
    public static HealthSettings from(EffectiveConfig config) {
        Duration timeout = duration(config, ConfigKeys.HEALTH_TIMEOUT, DEFAULT_TIMEOUT);
        if (timeout.isZero()) {
            throw ConfigValues.invalid(
                    ConfigKeys.HEALTH_TIMEOUT,
                    config.origin(ConfigKeys.HEALTH_TIMEOUT),
                    "must be positive, was '"
                            + config.get(ConfigKeys.HEALTH_TIMEOUT).orElse("") + "'",
                    null);
        }
        return new HealthSettings(timeout, duration(config, ConfigKeys.HEALTH_CACHE_TTL, DEFAULT_CACHE_TTL));
    }

    private static Duration duration(EffectiveConfig config, String key, Duration fallback) {
        return config.get(key)
                .map(raw -> ConfigValues.parseDuration(key, config.origin(key), raw))
                .orElse(fallback);
    }
}
