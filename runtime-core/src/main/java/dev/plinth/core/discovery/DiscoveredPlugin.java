package dev.plinth.core.discovery;

import dev.plinth.api.plugin.Plugin;
import dev.plinth.api.plugin.PluginDescriptor;

/**
 * A plugin instance and what the runtime read from it once.
 *
 * @param plugin the instance
 * @param descriptor its id, version, dependencies and source (jar path or {@code "registered"})
 */
public record DiscoveredPlugin(Plugin plugin, PluginDescriptor descriptor) {
    /** @return the plugin id */
    public String id() {
        return descriptor.id();
    }

    /** @return {@code class name (source)} for messages */
    public String label() {
        return plugin.getClass().getName() + " (" + descriptor.source() + ")";
    }
}
