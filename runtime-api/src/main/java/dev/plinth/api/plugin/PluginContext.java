package dev.plinth.api.plugin;

import dev.plinth.api.health.HealthCheck;
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

    /**
     * Registers a named health check of this plugin, shown in the runtime's health report under this plugin
     * (see {@link HealthCheck} for when and how it is called). Registering a name again replaces that check.
     * Checks end with the plugin: after its {@code shutdown()} they are no longer called.
     *
     * @param name the check's name: the grammar of plugin ids ({@link PluginIds}): 1 to 64 characters
     *     of {@code [a-z0-9._-]}
     * @param check the check
     * @throws IllegalArgumentException when the name breaks that grammar, or the plugin already has 32
     *     other checks (a bound so that health stays cheap)
     * @throws NullPointerException when an argument is {@code null}
     * @throws UnsupportedOperationException when this context does not support health checks (a context
     *     not made by the runtime, such as a test double that does not override this method)
     */
    default void registerHealthCheck(String name, HealthCheck check) {
        throw new UnsupportedOperationException("This PluginContext ("
                + getClass().getName() + ") does not take health checks; the Plinth runtime's does");
    }
}
