package dev.plinth.core.observe;

/**
 * Receives what plugins do with their stores. The runtime asks once per plugin for its
 * {@link PluginObserver} (when the plugin first uses its store) and reports every call of that store to it.
 * Implementations are thread-safe.
 */
@FunctionalInterface
public interface StorageObserver {

    /**
     * @param pluginId the plugin whose store is being made
     * @return where that store's calls are reported; called once per plugin store, so it may create meters
     */
    PluginObserver plugin(String pluginId);
}
