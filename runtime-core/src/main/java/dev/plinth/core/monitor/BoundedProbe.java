package dev.plinth.core.monitor;

import dev.plinth.api.health.Health;
import dev.plinth.api.health.HealthCheck;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One health check (the storage probe or one plugin check) run on the monitor's threads and waited for at
 * most a bound. A call that has not returned is never started again before it does: at most one call of each
 * check is in flight, so a check that hangs costs one thread, not one per report. Only the monitor's
 * single refresh calls {@link #start}; {@link #await} may be called by any thread.
 */
final class BoundedProbe {
    /** One call of the check, and when it started. */
    record Call(CompletableFuture<Health> result, long startedNanos, boolean previous) {}

    private final String what;
    private final HealthCheck check;
    private volatile Call last;

    BoundedProbe(String what, HealthCheck check) {
        this.what = what;
        this.check = check;
    }

    /**
     * @return a new call of the check on {@code executor}, or the previous call when it has not returned
     *     yet (then {@link Call#previous()} is {@code true})
     */
    Call start(Executor executor, long nowNanos) {
        Call running = last;
        if (running != null && !running.result().isDone()) {
            return new Call(running.result(), running.startedNanos(), true);
        }
        CompletableFuture<Health> result = new CompletableFuture<>();
        Call call = new Call(result, nowNanos, false);
        last = call;
        try {
            executor.execute(() -> result.complete(runCheck()));
        } catch (RejectedExecutionException e) {
            result.complete(Health.down("the runtime is closing"));
        }
        return call;
    }

    private Health runCheck() {
        try {
            Health h = check.check();
            return h != null ? h : Health.down(what + " returned no health");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.down(what + " was interrupted");
        } catch (Exception | LinkageError | StackOverflowError e) {
            return Health.down(describe(e));
        }
    }

    /**
     * Waits for {@code call} until {@code deadlineNanos}.
     *
     * @return its health, or DOWN saying it did not answer within {@code bound}
     */
    static Health await(Call call, long nowNanos, long deadlineNanos, Duration bound) {
        long wait = Math.max(0, deadlineNanos - nowNanos);
        try {
            return call.result().get(wait, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (call.previous()) {
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - call.startedNanos());
                return Health.down("has not answered for " + ms + " ms (bound " + bound.toMillis()
                        + " ms); not called again until it does");
            }
            return Health.down("did not answer within " + bound.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.down("the health call was interrupted while waiting for it");
        } catch (ExecutionException e) {
            // runCheck() completes normally for everything it catches; this is what it did not.
            return Health.down(describe(e.getCause() != null ? e.getCause() : e));
        }
    }

    /** @return how long the call in flight has run, or -1 when none is */
    long runningForNanos(long nowNanos) {
        Call running = last;
        return running != null && !running.result().isDone() ? nowNanos - running.startedNanos() : -1;
    }

    static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m != null && !m.isBlank() ? ": " + m : "");
    }

    @Override
    public String toString() {
        return what;
    }
}
