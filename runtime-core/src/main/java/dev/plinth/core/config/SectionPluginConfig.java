package dev.plinth.core.config;

import dev.plinth.api.plugin.PluginConfig;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A plugin's configuration section ({@code plinth.plugins.<id>.*} minus the runtime's own
 * {@code enabled} switch). Immutable and thread-safe. An option set only through an environment variable
 * is found under any name with the same environment spelling (see {@link EnvironmentNames}), so camelCase
 * options can be set from the environment. {@link #toString()} shows option names, never values.
 */
public final class SectionPluginConfig implements PluginConfig {
    private final String pluginId;
    private final Map<String, String> options;

    /**
     * @param pluginId the plugin
     * @param options its options, prefix removed
     */
    public SectionPluginConfig(String pluginId, Map<String, String> options) {
        this.pluginId = pluginId;
        Map<String, String> copy = new TreeMap<>(options);
        copy.remove(ConfigKeys.PLUGIN_ENABLED);
        this.options = Collections.unmodifiableMap(copy);
    }

    @Override
    public Optional<String> get(String option) {
        String v = options.get(option);
        if (v != null) {
            return Optional.of(v);
        }
        String env = EnvironmentNames.of(option);
        for (Map.Entry<String, String> e : options.entrySet()) {
            if (EnvironmentNames.of(e.getKey()).equals(env)) {
                return Optional.of(e.getValue());
            }
        }
        return Optional.empty();
    }

    @Override
    public int getInt(String option, int defaultValue) {
        return get(option)
                .map(v -> ConfigValues.parseInt(key(option), origin(), v))
                .orElse(defaultValue);
    }

    @Override
    public boolean getBoolean(String option, boolean defaultValue) {
        return get(option)
                .map(v -> ConfigValues.parseBoolean(key(option), origin(), v))
                .orElse(defaultValue);
    }

    @Override
    public Duration getDuration(String option, Duration defaultValue) {
        return get(option)
                .map(v -> ConfigValues.parseDuration(key(option), origin(), v))
                .orElse(defaultValue);
    }

    @Override
    public Map<String, String> asMap() {
        return options;
    }

    private String key(String option) {
        return ConfigKeys.pluginOption(pluginId, option);
    }

    private String origin() {
        return "configuration of plugin '" + pluginId + "'";
    }

    @Override
    public String toString() {
        return "PluginConfig[" + pluginId + " " + options.keySet() + "]";
    }
}
