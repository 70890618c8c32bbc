package dev.plinth.core.lifecycle;

import dev.plinth.api.plugin.Plugin;
import dev.plinth.api.plugin.PluginContext;
import dev.plinth.api.plugin.PluginDescriptor;

/**
 * A plugin under the runtime's management: the instance, what was read from it, its state and context.
 *
 * @param plugin the instance
 * @param descriptor its descriptor
 * @param state its state holder
 * @param context the context given to its {@code init}
 */
public record ManagedPlugin(
        Plugin plugin, PluginDescriptor descriptor, PluginStateHolder state, PluginContext context) {
    /** @return the plugin id */
    public String id() {
        return descriptor.id();
    }
}
