package dev.plinth.core.lifecycle;

import dev.plinth.api.plugin.PluginLifecycleException;
import dev.plinth.api.plugin.PluginLifecycleException.Phase;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.MDC;

/**
 * Runs one lifecycle call of one plugin ({@code init}, {@code start} or {@code shutdown}) on a daemon
 * thread of its own, {@code plinth-<phase>-<id>}, with the plugin id in the MDC, and waits at most the
 * timeout, so one hanging plugin cannot keep the runtime (or the JVM) from starting or stopping. A call that
 * overruns is interrupted and left behind: Java cannot stop a thread that ignores interrupts, so the runtime
 * stops waiting instead; the report carries the thread's stack at the moment the runtime stopped waiting.
 *
 * <p>What the worker inherits, and why:
 * <ul>
 *   <li>the caller's MDC, copied, with {@link PluginMdc#KEY} set on top: what the host put there (a
 *       deployment or request id) stays on the plugin's log lines, as when lifecycle calls ran on the
 *       caller's thread;</li>
 *   <li>as context class loader, the loader of the plugin's class (the caller's when that is the bootstrap
 *       loader): libraries that look things up through it ({@code ServiceLoader.load(Class)}, JAXB, JNDI,
 *       many logging and JSON modules) then find what the plugin's jar brings, not only what the host
 *       sees;</li>
 *   <li>daemon status, so that an abandoned call never keeps the JVM alive. Threads the plugin creates
 *       with {@code new Thread} inherit it; see the threading section of the {@code Plugin} javadoc.</li>
 * </ul>
 * Other thread-locals do not carry over. The worker is started after everything the caller did, and the
 * caller sees everything the call did once {@link #run} returns in time (thread start and the latch both
 * order memory), so a plugin needs no synchronisation between its lifecycle calls. Stateless and
 * thread-safe.
 */
final class BoundedCall {
    private BoundedCall() {}

    /**
     * How one call ended.
     *
     * @param failure {@code null} when the call returned in time; else what went wrong, as a
     *     {@link PluginLifecycleException} in the call's phase naming the plugin
     * @param overran {@code true} when the call did not return in time (or the waiting thread was interrupted):
     *     its thread may still be inside the plugin
     * @param interrupted {@code true} when the waiting thread was interrupted; the call may still have
     *     returned (failure {@code null}) or thrown within the grace period
     */
    record Outcome(PluginLifecycleException failure, boolean overran, boolean interrupted) {
        private static final Outcome OK = new Outcome(null, false, false);
        private static final Outcome OK_INTERRUPTED = new Outcome(null, false, true);

        /** @return the failure, empty when the call returned in time */
        Optional<PluginLifecycleException> failed() {
            return Optional.ofNullable(failure);
        }
    }

    /**
     * @param plugin the plugin being called
     * @param phase INIT, START or SHUTDOWN: names the thread and the failure
     * @param timeout how long to wait; positive
     * @param grace when the calling thread is interrupted while waiting, how much longer to wait for the
     *     plugin's thread, which is interrupted in turn, to return; positive
     * @param call the call into the plugin
     * @return the outcome; never throws for anything the plugin does. When the calling thread is interrupted
     *     while waiting, the plugin's thread is interrupted too and the outcome is what the plugin did
     *     within {@code grace} (overrun if it did not return); the interrupt status is kept.
     */
    static Outcome run(ManagedPlugin plugin, Phase phase, Duration timeout, Duration grace, Runnable call) {
        String id = plugin.id();
        String verb = phase.name().toLowerCase(Locale.ROOT);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        Map<String, String> callerMdc = MDC.getCopyOfContextMap();
        Thread worker = new Thread(
                () -> {
                    try {
                        if (callerMdc != null) {
                            MDC.setContextMap(callerMdc);
                        }
                        PluginMdc.run(id, call);
                    } catch (Throwable t) {
                        failure.set(t);
                    } finally {
                        done.countDown();
                    }
                },
                "plinth-" + verb + "-" + id);
        worker.setDaemon(true);
        ClassLoader pluginLoader = plugin.plugin().getClass().getClassLoader();
        if (pluginLoader != null) {
            worker.setContextClassLoader(pluginLoader);
        }
        worker.start();
        boolean finished;
        boolean interrupted = false;
        try {
            finished = done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
            finished = awaitInterrupted(worker, done, grace);
        }
        if (!finished) {
            StackTraceElement[] stack = worker.getStackTrace();
            worker.interrupt();
            String what = interrupted
                    ? "was still in " + verb + " " + describe(grace) + " after the runtime's thread was interrupted"
                    : "did not finish " + verb + " within " + describe(timeout);
            return new Outcome(
                    new PluginLifecycleException(
                            id,
                            phase,
                            "Plugin '" + id + "' " + what + "; no longer waiting for it (thread " + worker.getName()
                                    + " interrupted and left running)",
                            stuckAt(worker, stack)),
                    true,
                    interrupted);
        }
        Throwable t = failure.get();
        if (t != null) {
            return new Outcome(
                    new PluginLifecycleException(id, phase, "Plugin '" + id + "' failed in " + verb + ": " + t, t),
                    false,
                    interrupted);
        }
        return interrupted ? Outcome.OK_INTERRUPTED : Outcome.OK;
    }

    /**
     * Passes the interrupt on to the plugin's thread and waits up to {@code grace} for it, with the caller's
     * interrupt status cleared meanwhile (or the wait would end at once) and set again afterwards.
     */
    private static boolean awaitInterrupted(Thread worker, CountDownLatch done, Duration grace) {
        worker.interrupt();
        try {
            return done.await(grace.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException again) {
            return false;
        } finally {
            Thread.currentThread().interrupt();
        }
    }

    private static Throwable stuckAt(Thread worker, StackTraceElement[] stack) {
        Throwable where = new Throwable("stack of " + worker.getName() + " when the runtime stopped waiting for it");
        where.setStackTrace(stack);
        return where;
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
