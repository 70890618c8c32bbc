package dev.plinth.api.plugin;

import dev.plinth.api.ConfigurationException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A plugin's own configuration section: every {@code plinth.plugins.<id>.<option>} entry, with the prefix
 * removed. Immutable and thread-safe. Typed getters throw {@link ConfigurationException} naming the full
 * key when a value does not parse.
 */
public interface PluginConfig {

    /**
     * @param option the option name without the section prefix, for example {@code greeting}
     * @return the raw value, if set
     */
    Optional<String> get(String option);

    /**
     * @param option the option name
     * @param defaultValue returned when the option is not set
     * @return the value or the default
     */
    default String get(String option, String defaultValue) {
        return get(option).orElse(defaultValue);
    }

    /**
     * @param option the option name
     * @param defaultValue returned when the option is not set
     * @return the value parsed as an {@code int}
     * @throws ConfigurationException when the value is not an integer; the message names the full key
     */
    int getInt(String option, int defaultValue);

    /**
     * @param option the option name
     * @param defaultValue returned when the option is not set
     * @return the value parsed as a boolean ({@code true} or {@code false}, any case)
     * @throws ConfigurationException when the value is neither; the message names the full key
     */
    boolean getBoolean(String option, boolean defaultValue);

    /**
     * @param option the option name
     * @param defaultValue returned when the option is not set
     * @return the value parsed as a duration ({@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h},
     *     {@code 2d} or ISO-8601 such as {@code PT30S})
     * @throws ConfigurationException when the value does not parse; the message names the full key
     */
    Duration getDuration(String option, Duration defaultValue);

    /**
     * @return every option of this section, prefix removed, in no particular order; unmodifiable
     */
    Map<String, String> asMap();
}
