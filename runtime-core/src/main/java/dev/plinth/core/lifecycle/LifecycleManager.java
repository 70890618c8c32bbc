package dev.plinth.core.lifecycle;

import dev.plinth.api.plugin.PluginLifecycleException;
import dev.plinth.api.plugin.PluginLifecycleException.Phase;
import dev.plinth.api.plugin.PluginState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the plugins of one runtime through their lifecycle, in the order given (dependency order).
 *
 * <ul>
 *   <li>{@link #startAll()}: {@code init} every plugin in order, then {@code start} every plugin in order,
 *       on the calling thread, with the plugin id in the MDC. On the first failure the plugin is marked
 *       FAILED, everything already initialised (the failing one included) is shut down in reverse order,
 *       and one {@link PluginLifecycleException} naming the plugin and phase is thrown, with shutdown
 *       failures attached as suppressed exceptions.</li>
 *   <li>{@link #shutdownAll()}: reverse order; every initialised plugin gets its {@code shutdown()} even
 *       when others throw or hang (each bounded by the timeout, see {@link BoundedCall}); plugins never
 *       initialised move straight to STOPPED; a plugin's services are withdrawn after its shutdown.
 *       Failures are returned, not thrown.</li>
 * </ul>
 * Not thread-safe: the runtime serialises calls.
 */
public final class LifecycleManager {
    private static final Logger LOG = LoggerFactory.getLogger(LifecycleManager.class);
    private final List<ManagedPlugin> ordered;
    private final SharedServices services;
    private final Duration shutdownTimeout;

    /**
     * @param ordered plugins in dependency order
     * @param services the shared services, to withdraw a plugin's services when it stops
     * @param shutdownTimeout how long one plugin's shutdown may take
     */
    public LifecycleManager(List<ManagedPlugin> ordered, SharedServices services, Duration shutdownTimeout) {
        this.ordered = List.copyOf(ordered);
        this.services = services;
        this.shutdownTimeout = shutdownTimeout;
    }

    /** @return the plugins in dependency order */
    public List<ManagedPlugin> plugins() {
        return ordered;
    }

    /**
     * @throws PluginLifecycleException when an {@code init} or {@code start} throws; all plugins are
     *     STOPPED when it is thrown
     */
    public void startAll() {
        runPhase(Phase.INIT, PluginState.INITIALIZED, mp -> mp.plugin().init(mp.context()));
        runPhase(Phase.START, PluginState.STARTED, mp -> mp.plugin().start());
    }

    private void runPhase(Phase phase, PluginState success, Consumer<ManagedPlugin> call) {
        for (ManagedPlugin mp : ordered) {
            LOG.debug("{} plugin '{}'", phase, mp.id());
            try {
                PluginMdc.run(mp.id(), () -> call.accept(mp));
            } catch (Throwable t) {
                mp.state().moveTo(PluginState.FAILED);
                PluginLifecycleException failure = new PluginLifecycleException(mp.id(), phase, "Plugin '" + mp.id()
                        + "' failed in " + phase.name().toLowerCase(Locale.ROOT) + ": " + t, t);
                shutdownAll().forEach(failure::addSuppressed);
                throw failure;
            }
            mp.state().moveTo(success);
        }
    }

    /**
     * @return one exception per plugin whose shutdown threw or overran, in shutdown order; empty when all
     *     went well
     */
    public List<PluginLifecycleException> shutdownAll() {
        List<PluginLifecycleException> failures = new ArrayList<>();
        for (int i = ordered.size() - 1; i >= 0; i--) {
            ManagedPlugin mp = ordered.get(i);
            PluginState state = mp.state().get();
            if (state == PluginState.STOPPED) {
                continue;
            }
            if (state != PluginState.CREATED) {
                LOG.debug("SHUTDOWN plugin '{}'", mp.id());
                Optional<PluginLifecycleException> failure = BoundedCall.run(mp, Phase.SHUTDOWN, shutdownTimeout,
                        () -> mp.plugin().shutdown()).failed();
                failure.ifPresent(f -> {
                    LOG.warn(f.getMessage());
                    failures.add(f);
                });
            }
            mp.state().moveTo(PluginState.STOPPED);
            services.withdraw(mp.id());
        }
        return failures;
    }
}
