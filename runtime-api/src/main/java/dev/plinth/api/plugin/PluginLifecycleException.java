package dev.plinth.api.plugin;

import dev.plinth.api.PlinthException;
import org.jspecify.annotations.Nullable;

/**
 * Startup failed: a plugin's {@code init} or {@code start} threw or overran the start timeout, or the
 * plugin graph is invalid (a cycle, a missing required dependency, a duplicate id). Everything already
 * initialised or started was shut down and storage was closed before this was thrown. The message names
 * the plugin and phase; the cause is the plugin's exception, or for an overrun a {@code Throwable} whose
 * stack trace is where the plugin's thread was stuck. Shutdown failures (phase SHUTDOWN) have the same
 * shape.
 */
public class PluginLifecycleException extends PlinthException {
    private static final long serialVersionUID = 1L;
    /** The plugin id, kept for callers that handle this exception. */
    private final @Nullable String pluginId;
    /** The phase, kept for callers that handle this exception. */
    private final Phase phase;

    /** Where startup failed. */
    public enum Phase {
        /** Building the dependency graph, before any plugin was called. */
        RESOLVE,
        /** A plugin's {@code init}. */
        INIT,
        /** A plugin's {@code start}. */
        START,
        /** A plugin's {@code shutdown}; collected as a suppressed exception on shutdown. */
        SHUTDOWN
    }

    /**
     * @param pluginId the plugin at fault, or {@code null} when the problem involves several
     * @param phase where it failed
     * @param message what happened, naming the plugin(s)
     * @param cause the plugin's exception, may be {@code null}
     */
    public PluginLifecycleException(@Nullable String pluginId, Phase phase, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.pluginId = pluginId;
        this.phase = phase;
    }

    /**
     * @return the plugin at fault, or {@code null} when the problem involves several (for example a cycle)
     */
    public @Nullable String pluginId() {
        return pluginId;
    }

    /**
     * @return the phase that failed
     */
    public Phase phase() {
        return phase;
    }
}
