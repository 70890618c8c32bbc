package dev.plinth.core.lifecycle;

import dev.plinth.api.plugin.PluginLifecycleException;
import dev.plinth.api.plugin.PluginLifecycleException.Phase;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one lifecycle call of one plugin ({@code init}, {@code start} or {@code shutdown}) on a daemon
 * thread of its own, {@code plinth-<phase>-<id>}, with the plugin id in the MDC, and waits at most the
 * timeout, so one hanging plugin cannot keep the runtime (or the JVM) from starting or stopping. A call that
 * overruns is interrupted and left behind: Java cannot stop a thread that ignores interrupts, so the runtime
 * stops waiting instead; the report carries the thread's stack at the moment the runtime stopped waiting.
 *
 * <p>Stateless and thread-safe. The worker is a daemon so that an abandoned call never keeps the JVM
 * alive; it is started after everything the caller did, and the caller sees everything the call did once
 * {@link #run} returns in time (thread start and the latch both order memory).
 */
final class BoundedCall {
    private BoundedCall() {
    }

    /**
     * How one call ended.
     *
     * @param failure {@code null} when the call returned in time; else what went wrong, as a
     *     {@link PluginLifecycleException} in the call's phase naming the plugin
     * @param overran {@code true} when the call did not return in time (or the waiting thread was interrupted):
     *     its thread may still be inside the plugin
     */
    record Outcome(PluginLifecycleException failure, boolean overran) {
        private static final Outcome OK = new Outcome(null, false);

        /** @return the failure, empty when the call returned in time */
        Optional<PluginLifecycleException> failed() {
            return Optional.ofNullable(failure);
        }
    }

    /**
     * @param plugin the plugin being called
     * @param phase INIT, START or SHUTDOWN: names the thread and the failure
     * @param timeout how long to wait; positive
     * @param call the call into the plugin
     * @return the outcome; never throws for anything the plugin does. When the calling thread is interrupted
     *     while waiting, the call is treated as overrun and the interrupt status is kept.
     */
    static Outcome run(ManagedPlugin plugin, Phase phase, Duration timeout, Runnable call) {
        String id = plugin.id();
        String verb = phase.name().toLowerCase(Locale.ROOT);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        Thread worker = new Thread(() -> {
            try {
                PluginMdc.run(id, call);
            } catch (Throwable t) {
                failure.set(t);
            } finally {
                done.countDown();
            }
        }, "plinth-" + verb + "-" + id);
        worker.setDaemon(true);
        worker.start();
        boolean finished;
        boolean interrupted = false;
        try {
            finished = done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            finished = false;
            interrupted = true;
        }
        if (!finished) {
            StackTraceElement[] stack = worker.getStackTrace();
            worker.interrupt();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            String what = interrupted ? "was still in " + verb + " when the runtime's thread was interrupted"
                    : "did not finish " + verb + " within " + describe(timeout);
            return new Outcome(new PluginLifecycleException(id, phase, "Plugin '" + id + "' " + what
                    + "; no longer waiting for it (thread " + worker.getName() + " interrupted and left running)",
                    stuckAt(worker, stack)), true);
        }
        Throwable t = failure.get();
        if (t != null) {
            return new Outcome(new PluginLifecycleException(id, phase, "Plugin '" + id + "' failed in " + verb + ": "
                    + t, t), false);
        }
        return Outcome.OK;
    }

    private static Throwable stuckAt(Thread worker, StackTraceElement[] stack) {
        Throwable where = new Throwable("stack of " + worker.getName()
                + " when the runtime stopped waiting for it");
        where.setStackTrace(stack);
        return where;
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
