package dev.plinth.tck;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Polls a condition until it holds. The deadline is a generous liveness bound (expiry, background
 * sweeps and event delivery take an unknown, load-dependent time), never a claim about speed: the TCK
 * makes no timed assertions.
 */
final class Await {
    /** How long anything asynchronous may take before the TCK calls it lost. */
    static final Duration DEADLINE = Duration.ofSeconds(20);

    private static final long POLL_MILLIS = 10;

    private Await() {}

    /**
     * @param what what is awaited, for the failure message
     * @param condition the condition
     */
    static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("Still waiting after " + DEADLINE.toSeconds() + " s for: " + what);
            }
            sleep(POLL_MILLIS);
        }
    }

    /**
     * @param what what is awaited
     * @param condition the condition
     * @param state describes the current state for the failure message
     */
    static void until(String what, BooleanSupplier condition, Supplier<Object> state) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("Still waiting after " + DEADLINE.toSeconds() + " s for: " + what + "; state: " + state.get());
            }
            sleep(POLL_MILLIS);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting", e);
        }
    }
}
