package dev.plinth.core.config;

import dev.plinth.api.ConfigurationException;
import dev.plinth.spi.storage.OptionSpec;
import java.time.Duration;

/**
 * Parses single non-secret values, turning a parse failure into a {@link ConfigurationException} that names
 * the full key, where the value came from and what is expected. Values of secret options never pass
 * through here.
 */
public final class ConfigValues {
    private ConfigValues() {}

    /**
     * @param key the full key
     * @param origin where the value came from
     * @param raw the value
     * @return the value as a {@code long}
     * @throws ConfigurationException when it is not a whole number
     */
    public static long parseLong(String key, String origin, String raw) {
        try {
            return Long.parseLong(raw.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw invalid(key, origin, "must be a whole number, was '" + raw.trim() + "'", e);
        }
    }

    /**
     * @param key the full key
     * @param origin where the value came from
     * @param raw the value
     * @return the value as an {@code int}
     * @throws ConfigurationException when it is not a whole number in the {@code int} range
     */
    public static int parseInt(String key, String origin, String raw) {
        try {
            return Integer.parseInt(raw.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw invalid(
                    key,
                    origin,
                    "must be a whole number between " + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE + ", was '"
                            + raw.trim() + "'",
                    e);
        }
    }

    /**
     * @param key the full key
     * @param origin where the value came from
     * @param raw the value
     * @return {@code true} or {@code false}
     * @throws ConfigurationException for anything but true/false (any case)
     */
    public static boolean parseBoolean(String key, String origin, String raw) {
        try {
            return OptionSpec.parseBoolean(raw);
        } catch (IllegalArgumentException e) {
            throw invalid(key, origin, e.getMessage(), e);
        }
    }

    /**
     * @param key the full key
     * @param origin where the value came from
     * @param raw the value, as accepted by {@link OptionSpec#parseDuration(String)}
     * @return the duration
     * @throws ConfigurationException when it does not parse or is negative
     */
    public static Duration parseDuration(String key, String origin, String raw) {
        Duration d;
        try {
            d = OptionSpec.parseDuration(raw);
        } catch (IllegalArgumentException e) {
            throw invalid(key, origin, e.getMessage(), e);
        }
        if (d.isNegative()) {
            throw invalid(key, origin, "must not be negative, was '" + raw.trim() + "'", null);
        }
        return d;
    }

    /**
     * @param key the full key
     * @param origin where the value came from
     * @param problem what is wrong, may quote the (non-secret) value
     * @param cause the parse failure, may be {@code null}
     * @return the exception: {@code Invalid value for <key> (from <origin>): <problem>}
     */
    public static ConfigurationException invalid(String key, String origin, String problem, Throwable cause) {
        return new ConfigurationException(
                key, "Invalid value for " + key + " (from " + origin + "): " + problem, cause);
    }
}
