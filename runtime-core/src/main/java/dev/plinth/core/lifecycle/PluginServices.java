package dev.plinth.core.lifecycle;

import dev.plinth.api.plugin.ServiceRegistry;
import java.util.Optional;

/**
 * One plugin's view of the {@link SharedServices}: publishes under its id and names it in errors. A plugin
 * publishing the same type again replaces its own implementation.
 */
public final class PluginServices implements ServiceRegistry {
    private final SharedServices shared;
    private final String pluginId;

    /**
     * @param shared the runtime's services
     * @param pluginId the plugin using this view
     */
    public PluginServices(SharedServices shared, String pluginId) {
        this.shared = shared;
        this.pluginId = pluginId;
    }

    @Override
    public <T> void publish(Class<T> type, T implementation) {
        shared.publish(pluginId, type, implementation);
    }

    @Override
    public <T> Optional<T> find(Class<T> type) {
        return shared.find(type);
    }

    @Override
    public <T> T require(Class<T> type) {
        return shared.find(type)
                .orElseThrow(() -> new IllegalStateException("No service " + type.getName()
                        + " is published (required by plugin '" + pluginId
                        + "'). Declare a dependency on the plugin that "
                        + "publishes it so that it is initialised first."));
    }
}
