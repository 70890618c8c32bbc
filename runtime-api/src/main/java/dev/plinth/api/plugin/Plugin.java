package dev.plinth.api.plugin;

import java.util.Set;

/**
 * A unit of functionality the Plinth runtime manages. Implementations are discovered with
 * {@link java.util.ServiceLoader} (declare them in {@code META-INF/services/dev.plinth.api.plugin.Plugin}
 * or with {@code provides} in {@code module-info.java}) or registered on the runtime builder.
 *
 * <h2>Lifecycle</h2>
 * The runtime calls, one call at a time, {@link #init(PluginContext)} on every plugin in dependency order,
 * then {@link #start()} on every plugin in dependency order, and at the end {@link #shutdown()} in exactly
 * the reverse order. A plugin's dependencies are initialised before it and shut down after it. Each call is
 * bounded: {@code init} and {@code start} by {@code plinth.runtime.startTimeout} (default 60 s) each,
 * {@code shutdown} by {@code plinth.runtime.shutdownTimeout} (default 10 s). See {@link PluginState} for the
 * state machine.
 *
 * <h2>Identity</h2>
 * {@link #id()} must satisfy {@link PluginIds#validate(String)}: 1 to 64 characters among lower-case
 * letters, digits, {@code .}, {@code -} and {@code _}. It names the plugin's configuration section
 * ({@code plinth.plugins.<id>.*}) and its storage scope.
 *
 * <h2>Threading</h2>
 * Lifecycle methods are never called concurrently for one plugin. Each call runs on a fresh daemon thread
 * of the runtime's ({@code plinth-init-<id>}, {@code plinth-start-<id>}, {@code plinth-shutdown-<id>}),
 * so the runtime can stop waiting for a call that hangs:
 * <ul>
 *   <li>Everything one call wrote is visible to the next without synchronisation (each call
 *       happens-before the next). Thread-locals set in one call are not there in the next.</li>
 *   <li>The thread's context class loader is the loader of the plugin's class; its MDC is a copy of the
 *       MDC of the thread that started or closed the runtime, plus {@code plinth.plugin=<id>}.</li>
 *   <li>A thread created with {@code new Thread} inherits daemon status from its creator, so a plugin's
 *       own threads are daemons unless it says otherwise: call {@code setDaemon(false)} on one that must
 *       keep the JVM alive (executors from {@code java.util.concurrent.Executors} already do).</li>
 *   <li>A call that overruns its timeout is interrupted and abandoned: startup fails naming the plugin,
 *       or shutdown moves on. Respond to interruption, and release what the call took before returning.
 *       A plugin abandoned in {@code init} or {@code start} gets no {@code shutdown()}, because its thread
 *       may still be inside the abandoned call.</li>
 * </ul>
 * A plugin that starts its own threads stops them in {@link #shutdown()}.
 */
public interface Plugin {

    /**
     * @return this plugin's id; constant for the life of the instance, never {@code null}
     */
    String id();

    /**
     * @return this plugin's version, free-form (for example {@code 1.2.0}); defaults to {@code "0"}
     */
    default String version() {
        return "0";
    }

    /**
     * @return ids of plugins that must be present and are initialised and started before this one; a
     *     missing one fails startup. Never {@code null}; defaults to none.
     */
    default Set<String> requiredDependencies() {
        return Set.of();
    }

    /**
     * @return ids of plugins that, when present, are initialised and started before this one; a missing
     *     one is ignored. Never {@code null}; defaults to none.
     */
    default Set<String> optionalDependencies() {
        return Set.of();
    }

    /**
     * Prepares the plugin: read configuration, open storage, publish services. Dependencies are already
     * initialised (not yet started).
     *
     * @param context this plugin's context, valid until {@link #shutdown()} returns; never {@code null}
     * @throws RuntimeException any exception fails startup: the runtime rolls back and reports this plugin
     *     and the {@code init} phase. So does not returning within {@code plinth.runtime.startTimeout}.
     */
    void init(PluginContext context);

    /**
     * Begins work. Every plugin has been initialised and this plugin's dependencies have been started.
     *
     * @throws RuntimeException any exception, or not returning within {@code plinth.runtime.startTimeout},
     *     fails startup and rolls back as for {@link #init}
     */
    default void start() {}

    /**
     * Stops work and releases resources. Called once for every plugin whose {@code init} was called
     * (also one whose {@code init} or {@code start} threw, but not one whose {@code init} or {@code start}
     * overran the start timeout: its thread may still be inside that call), in reverse dependency order. It
     * must return within the runtime's shutdown timeout; after that the runtime moves on and reports it.
     *
     * @throws RuntimeException collected as a suppressed exception; the other plugins still shut down
     */
    default void shutdown() {}
}
