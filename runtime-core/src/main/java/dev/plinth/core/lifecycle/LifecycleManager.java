package dev.plinth.core.lifecycle;

import dev.plinth.api.plugin.PluginLifecycleException;
import dev.plinth.api.plugin.PluginLifecycleException.Phase;
import dev.plinth.api.plugin.PluginState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the plugins of one runtime through their lifecycle, in the order given (dependency order). Every
 * call into a plugin runs on a thread of its own and is bounded ({@link BoundedCall}).
 *
 * <ul>
 *   <li>{@link #startAll(StartupAbort)}: {@code init} every plugin in order, then {@code start} every plugin in order,
 *       one at a time, each bounded by the start timeout. On the first failure (a throw, or an overrun:
 *       the call is interrupted and abandoned) the plugin is marked FAILED, everything already initialised
 *       is shut down in reverse order, and one {@link PluginLifecycleException} naming the plugin and phase
 *       is thrown, with shutdown failures attached as suppressed exceptions. A plugin whose call threw gets
 *       its {@code shutdown()} too; one whose call overran does not, because its thread may still be inside
 *       it and lifecycle calls of one plugin never overlap.</li>
 *   <li>{@link #shutdownAll()}: reverse order; every initialised plugin gets its {@code shutdown()} even
 *       when others throw or hang (each bounded by the shutdown timeout); plugins never initialised, or
 *       abandoned in {@code init}/{@code start}, move straight to STOPPED; a plugin's services are withdrawn
 *       after its shutdown. Failures are returned, not thrown.</li>
 * </ul>
 * The caller never waits for an abandoned call, so a plugin that ignores interrupts cannot hold up startup
 * failure or {@link #shutdownAll()}. A {@link StartupAbort} cuts {@link #startAll} short from another
 * thread: the call in progress is interrupted and given the shutdown timeout to return, then everything
 * initialised is shut down as on a failure. Not thread-safe: the runtime serialises calls.
 */
public final class LifecycleManager {
    private static final Logger LOG = LoggerFactory.getLogger(LifecycleManager.class);
    private final List<ManagedPlugin> ordered;
    private final SharedServices services;
    private final Duration startTimeout;
    private final Duration shutdownTimeout;
    /** Plugins whose init/start overran, to the phase: their abandoned thread may still be inside them. */
    private final Map<String, Phase> abandoned = new HashMap<>();

    /**
     * @param ordered plugins in dependency order
     * @param services the shared services, to withdraw a plugin's services when it stops
     * @param startTimeout how long one plugin's {@code init}, and then its {@code start}, may take
     * @param shutdownTimeout how long one plugin's shutdown may take
     */
    public LifecycleManager(
            List<ManagedPlugin> ordered, SharedServices services, Duration startTimeout, Duration shutdownTimeout) {
        this.ordered = List.copyOf(ordered);
        this.services = services;
        this.startTimeout = startTimeout;
        this.shutdownTimeout = shutdownTimeout;
    }

    /** @return the plugins in dependency order */
    public List<ManagedPlugin> plugins() {
        return ordered;
    }

    /**
     * @param abort checked before and after each call; when requested, startup stops at once (the call in
     *     progress is interrupted by {@link StartupAbort#request()}), everything initialised is shut down,
     *     and a {@link PluginLifecycleException} says the startup was aborted
     * @throws PluginLifecycleException when an {@code init} or {@code start} throws or overruns the start
     *     timeout (the cause then carries the stuck thread's stack), or the startup was aborted; all plugins
     *     are STOPPED when it is thrown
     */
    public void startAll(StartupAbort abort) {
        runPhase(Phase.INIT, PluginState.INITIALIZED, mp -> mp.plugin().init(mp.context()), abort);
        runPhase(Phase.START, PluginState.STARTED, mp -> mp.plugin().start(), abort);
    }

    private void runPhase(Phase phase, PluginState success, Consumer<ManagedPlugin> call, StartupAbort abort) {
        for (ManagedPlugin mp : ordered) {
            if (abort.requested()) {
                throw rollBack(stopped(mp, phase, "the runtime was closed", "about to be called"), abort);
            }
            LOG.debug("{} plugin '{}'", phase, mp.id());
            BoundedCall.Outcome outcome =
                    BoundedCall.run(mp, phase, startTimeout, shutdownTimeout, () -> call.accept(mp));
            PluginLifecycleException failure = outcome.failure();
            if (failure != null) {
                mp.state().moveTo(PluginState.FAILED);
                if (outcome.overran()) {
                    abandoned.put(mp.id(), phase);
                }
            } else {
                mp.state().moveTo(success);
            }
            if (abort.requested() || outcome.interrupted()) {
                PluginLifecycleException stop = stopped(
                        mp,
                        phase,
                        abort.requested() ? "the runtime was closed" : "the starting thread was interrupted",
                        "in progress");
                if (failure != null) {
                    stop.addSuppressed(failure);
                }
                throw rollBack(stop, abort);
            }
            if (failure != null) {
                throw rollBack(failure, abort);
            }
        }
    }

    /**
     * Shuts down what was initialised, with the starting thread's interrupt status cleared meanwhile (or
     * every shutdown would be cut short at once): the runtime's own abort interrupt is dropped, a host's
     * interrupt is set again afterwards.
     */
    private PluginLifecycleException rollBack(PluginLifecycleException failure, StartupAbort abort) {
        abort.clearOwnInterrupt();
        boolean hostInterrupt = Thread.interrupted();
        try {
            shutdownAll().forEach(failure::addSuppressed);
        } finally {
            if (hostInterrupt) {
                Thread.currentThread().interrupt();
            }
        }
        return failure;
    }

    private static PluginLifecycleException stopped(ManagedPlugin mp, Phase phase, String why, String callState) {
        return new PluginLifecycleException(
                mp.id(),
                phase,
                "Startup stopped: " + why + " while plugin '" + mp.id()
                        + "' " + phase.name().toLowerCase(Locale.ROOT) + "() was " + callState
                        + "; what had been initialised was shut down",
                null);
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
            if (abandoned.containsKey(mp.id())) {
                LOG.warn(
                        "Plugin '{}' gets no shutdown(): its {} overran and may still be running",
                        mp.id(),
                        abandoned.get(mp.id()).name().toLowerCase(Locale.ROOT));
            } else if (state != PluginState.CREATED) {
                LOG.debug("SHUTDOWN plugin '{}'", mp.id());
                Optional<PluginLifecycleException> failure = BoundedCall.run(
                                mp,
                                Phase.SHUTDOWN,
                                shutdownTimeout,
                                shutdownTimeout,
                                () -> mp.plugin().shutdown())
                        .failed();
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
