package dev.plinth.core.lifecycle;

import dev.plinth.api.plugin.PluginLifecycleException;
import dev.plinth.api.plugin.PluginLifecycleException.Phase;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one plugin's {@code shutdown()} on its own daemon thread ({@code plinth-shutdown-<id>}) and waits
 * at most the timeout, so one hanging plugin cannot keep the others (or the JVM) from stopping. A plugin
 * that overruns is interrupted and left behind; the report carries its thread's stack.
 */
public final class BoundedShutdown {
    private BoundedShutdown() {
    }

    /**
     * @param plugin the plugin to shut down
     * @param timeout how long to wait
     * @return empty when {@code shutdown()} returned in time, else the failure or the overrun, as a
     *     {@link PluginLifecycleException} in phase SHUTDOWN naming the plugin
     */
    public static Optional<PluginLifecycleException> run(ManagedPlugin plugin, Duration timeout) {
        String id = plugin.id();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        Thread worker = new Thread(() -> {
            try {
                PluginMdc.run(id, () -> plugin.plugin().shutdown());
            } catch (Throwable t) {
                failure.set(t);
            } finally {
                done.countDown();
            }
        }, "plinth-shutdown-" + id);
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
            PluginLifecycleException hang = new PluginLifecycleException(id, Phase.SHUTDOWN, "Plugin '" + id
                    + "' did not finish shutdown within " + describe(timeout) + "; no longer waiting for it (thread "
                    + worker.getName() + " interrupted and left running)", stuckAt(worker, stack));
            return Optional.of(hang);
        }
        Throwable t = failure.get();
        if (t != null) {
            return Optional.of(new PluginLifecycleException(id, Phase.SHUTDOWN, "Plugin '" + id
                    + "' failed in shutdown: " + t, t));
        }
        return Optional.empty();
    }

    private static Throwable stuckAt(Thread worker, StackTraceElement[] stack) {
        Throwable where = new Throwable("stack of " + worker.getName() + " when the timeout expired");
        where.setStackTrace(stack);
        return where;
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
