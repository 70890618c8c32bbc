package dev.plinth.core.monitor;

import dev.plinth.api.health.HealthCheck;
import dev.plinth.api.plugin.PluginIds;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The health checks one plugin registered through its context, by name. Thread-safe: plugins register from
 * any thread, the monitor reads a snapshot.
 */
public final class PluginChecks {
    /** The most checks one plugin may register, so that a report stays cheap. */
    public static final int MAX_CHECKS = 32;

    private final String pluginId;
    private final Map<String, BoundedProbe> checks = new TreeMap<>();

    /**
     * @param pluginId the plugin, for messages and thread names
     */
    public PluginChecks(String pluginId) {
        this.pluginId = pluginId;
    }

    /**
     * @param name the check's name
     * @param check the check
     * @throws IllegalArgumentException when the name breaks the grammar or there are already
     *     {@link #MAX_CHECKS} other checks
     */
    public void register(String name, HealthCheck check) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(check, "check");
        if (!PluginIds.isValid(name)) {
            throw new IllegalArgumentException("Health check name '" + name + "' of plugin '" + pluginId
                    + "' must be 1 to 64 characters of [a-z0-9._-], like a plugin id");
        }
        synchronized (checks) {
            if (!checks.containsKey(name) && checks.size() >= MAX_CHECKS) {
                throw new IllegalArgumentException("Plugin '" + pluginId + "' already has " + MAX_CHECKS
                        + " health checks " + checks.keySet() + "; '" + name + "' is one too many");
            }
            checks.put(name, new BoundedProbe("plugin '" + pluginId + "' check '" + name + "'", check));
        }
    }

    /** @return the registered checks by name, in name order (a copy) */
    Map<String, BoundedProbe> snapshot() {
        synchronized (checks) {
            return new TreeMap<>(checks);
        }
    }
}
