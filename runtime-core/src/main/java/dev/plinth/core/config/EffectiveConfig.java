package dev.plinth.core.config;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The merged configuration: each key with its winning value and where that value came from. Immutable and
 * thread-safe. {@link #toString()} lists keys only: values may be secrets.
 */
public final class EffectiveConfig {
    private final Map<String, Value> values;

    EffectiveConfig(Map<String, Value> values) {
        this.values = Map.copyOf(values);
    }

    /**
     * For tests and hosts that already hold final values.
     *
     * @param values keys and values
     * @return an effective configuration whose origin is "programmatic setting"
     */
    public static EffectiveConfig of(Map<String, String> values) {
        Map<String, Value> m = new HashMap<>();
        values.forEach((k, v) -> m.put(k, new Value(v, "programmatic setting " + k)));
        return new EffectiveConfig(m);
    }

    /**
     * @param key a full key
     * @return the value, trimmed, if set
     */
    public Optional<String> get(String key) {
        Value v = values.get(key);
        return v == null ? Optional.empty() : Optional.of(v.raw().trim());
    }

    /**
     * @param key a full key
     * @return the untrimmed value, if set (secrets keep their spaces)
     */
    public Optional<String> raw(String key) {
        Value v = values.get(key);
        return v == null ? Optional.empty() : Optional.of(v.raw());
    }

    /**
     * @param key a full key
     * @return where its value came from, for example {@code environment variable PLINTH_STORAGE_PROVIDER}
     */
    public String origin(String key) {
        Value v = values.get(key);
        return v == null ? "default" : v.origin();
    }

    /** @return every key set, sorted */
    public Set<String> keys() {
        return new TreeSet<>(values.keySet());
    }

    /**
     * @param prefix a key prefix ending with {@code .}
     * @return options under it, prefix removed, with untrimmed values
     */
    public Map<String, String> section(String prefix) {
        Map<String, String> out = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix) && k.length() > prefix.length()) {
                out.put(k.substring(prefix.length()), v.raw());
            }
        });
        return out;
    }

    /**
     * A plugin's section. When plugin ids nest ({@code a} and {@code a.b}), a key belongs to the longest id
     * it starts with.
     *
     * @param pluginId the plugin
     * @param allPluginIds every present plugin id
     * @return options of {@code pluginId}, prefix removed
     */
    public Map<String, String> pluginSection(String pluginId, Collection<String> allPluginIds) {
        Map<String, String> out = new TreeMap<>();
        String prefix = ConfigKeys.pluginSection(pluginId);
        for (Map.Entry<String, String> e : section(prefix).entrySet()) {
            String key = prefix + e.getKey();
            if (owner(key, allPluginIds).map(pluginId::equals).orElse(false)) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /**
     * @param key a key under {@code plinth.plugins.}
     * @param pluginIds present plugin ids
     * @return the plugin whose section holds it (longest matching id), if any
     */
    public static Optional<String> owner(String key, Collection<String> pluginIds) {
        return pluginIds.stream()
                .filter(id -> key.startsWith(ConfigKeys.pluginSection(id))
                        && key.length() > ConfigKeys.pluginSection(id).length())
                .max(Comparator.comparingInt(String::length));
    }

    @Override
    public String toString() {
        return "EffectiveConfig" + keys();
    }

    /**
     * @param raw the value as given
     * @param origin where it came from
     */
    record Value(String raw, String origin) {
        @Override
        public String toString() {
            return "Value[origin=" + origin + "]";
        }
    }
}
