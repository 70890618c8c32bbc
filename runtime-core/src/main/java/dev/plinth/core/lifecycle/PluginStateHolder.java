package dev.plinth.core.lifecycle;

import dev.plinth.api.plugin.PluginState;

/**
 * The one place a plugin's state lives. Moves only along {@link PluginState#canMoveTo}; any other move
 * is a runtime bug and throws. Thread-safe: readers on other threads see the latest state.
 */
public final class PluginStateHolder {
    private final String pluginId;
    private volatile PluginState state = PluginState.CREATED;

    /**
     * @param pluginId the plugin, for messages
     */
    public PluginStateHolder(String pluginId) {
        this.pluginId = pluginId;
    }

    /** @return the current state */
    public PluginState get() {
        return state;
    }

    /**
     * @param next the state to move to
     * @throws IllegalStateException when the transition is not allowed; the message names the plugin and
     *     both states
     */
    public synchronized void moveTo(PluginState next) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("Plugin '" + pluginId + "' cannot move from " + state + " to " + next);
        }
        state = next;
    }

    @Override
    public String toString() {
        return pluginId + "=" + state;
    }
}
