package dev.plinth.api.plugin;

import dev.plinth.api.storage.KeyValueStore;
import org.slf4j.Logger;

/**
 * Everything a plugin receives from the runtime. Handed to {@link Plugin#init(PluginContext)}; valid until
 * the plugin's {@link Plugin#shutdown()} returns. Thread-safe.
 */
public interface PluginContext {

    /**
     * @return this plugin's id
     */
    default String pluginId() {
        return descriptor().id();
    }

    /**
     * @return this plugin's descriptor
     */
    PluginDescriptor descriptor();

    /**
     * @return this plugin's configuration section ({@code plinth.plugins.<id>.*})
     */
    PluginConfig config();

    /**
     * @return the store scoped to this plugin's id: no key, pattern, clear, transaction or watch through it
     *     can see or change another plugin's data
     */
    KeyValueStore storage();

    /**
     * @return an SLF4J logger named {@code plinth.plugin.<id>}; during lifecycle calls the MDC key
     *     {@code plinth.plugin} carries the id
     */
    Logger logger();

    /**
     * @return the registry shared by all plugins of this runtime
     */
    ServiceRegistry services();
}
