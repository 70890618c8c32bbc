package dev.plinth.core.lifecycle;

import dev.plinth.api.health.HealthCheck;
import dev.plinth.api.plugin.PluginConfig;
import dev.plinth.api.plugin.PluginContext;
import dev.plinth.api.plugin.PluginDescriptor;
import dev.plinth.api.plugin.ServiceRegistry;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.core.monitor.PluginChecks;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The context handed to one plugin. The scoped store is obtained from the storage engine on first use
 * and then reused. Thread-safe.
 */
public final class RuntimePluginContext implements PluginContext {
    private final PluginDescriptor descriptor;
    private final PluginConfig config;
    private final Function<String, KeyValueStore> stores;
    private final ServiceRegistry services;
    private final Logger logger;
    private final PluginChecks checks;
    private volatile KeyValueStore store;

    /**
     * @param descriptor the plugin's descriptor
     * @param config its configuration section
     * @param stores gives the store scoped to a plugin id
     * @param services its view of the shared services
     */
    public RuntimePluginContext(
            PluginDescriptor descriptor,
            PluginConfig config,
            Function<String, KeyValueStore> stores,
            ServiceRegistry services) {
        this(descriptor, config, stores, services, new PluginChecks(descriptor.id()));
    }

    /**
     * @param descriptor the plugin's descriptor
     * @param config its configuration section
     * @param stores gives the store scoped to a plugin id
     * @param services its view of the shared services
     * @param checks where its health checks are registered, which the runtime's health monitor reads
     */
    public RuntimePluginContext(
            PluginDescriptor descriptor,
            PluginConfig config,
            Function<String, KeyValueStore> stores,
            ServiceRegistry services,
            PluginChecks checks) {
        this.checks = checks;
        this.descriptor = descriptor;
        this.config = config;
        this.stores = stores;
        this.services = services;
        this.logger = LoggerFactory.getLogger("plinth.plugin." + descriptor.id());
    }

    @Override
    public PluginDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public PluginConfig config() {
        return config;
    }

    @Override
    public KeyValueStore storage() {
        KeyValueStore s = store;
        if (s == null) {
            synchronized (this) {
                s = store;
                if (s == null) {
                    s = stores.apply(descriptor.id());
                    store = s;
                }
            }
        }
        return s;
    }

    @Override
    public Logger logger() {
        return logger;
    }

    @Override
    public ServiceRegistry services() {
        return services;
    }

    @Override
    public void registerHealthCheck(String name, HealthCheck check) {
        checks.register(name, check);
    }

    @Override
    public String toString() {
        return "PluginContext[" + descriptor.id() + "]";
    }
}
