package dev.plinth.tck;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs a body on several threads started together, and rethrows the first failure. */
final class Concurrently {
    /** A liveness bound for a whole concurrent run (a deadlock fails instead of hanging the build). */
    private static final long DEADLINE_SECONDS = 300;

    /** A body that may throw. */
    @FunctionalInterface
    interface Body {
        void run(int thread) throws Exception;
    }

    private Concurrently() {}

    static void run(int threads, Body body) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int id = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    body.run(id);
                    return null;
                }));
            }
            start.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
            for (Future<?> f : futures) {
                long left = Math.max(1, deadline - System.nanoTime());
                f.get(left, TimeUnit.NANOSECONDS);
            }
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new AssertionError(cause);
        } catch (TimeoutException e) {
            throw new AssertionError("threads still running after " + DEADLINE_SECONDS + " s (deadlock?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            pool.shutdownNow();
        }
    }
}
