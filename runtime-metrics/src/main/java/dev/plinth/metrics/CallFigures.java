package dev.plinth.metrics;

import dev.plinth.core.observe.PluginObserver;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One plugin's call figures (count and time per operation, value bytes in and out), cheap enough to sit on
 * a memory get, which takes a few tens of nanoseconds.
 *
 * <p>Two things make a shared counter and a clock reading per call too dear there (together they cost
 * about as much as the get itself, measured in {@code MetricsBench}), and this class avoids both:
 *
 * <ul>
 *   <li><b>No shared write per call.</b> Each thread keeps its own figures and writes them with plain
 *       (opaque) stores: no compare-and-set, no contended cache line. A scrape sums the threads; threads
 *       that have ended are folded into retired totals, so their calls are never lost and their figures
 *       do not pile up.
 *   <li><b>Fast calls are timed by sample.</b> One call in {@value #SAMPLE_EVERY} of an operation (chosen
 *       with {@link ThreadLocalRandom}, which needs no lookup) reads the clock; the others add the last
 *       sampled duration (sample-and-hold), so the total time stays an estimate that only grows. Once a
 *       sample shows the operation takes {@value #SLOW_NANOS} ns or more (a network or disk call), every
 *       call is timed until a sample is fast again: at that size a clock reading costs under 5%. An
 *       operation counts as slow until its first sample. Counts are always exact.
 * </ul>
 *
 * Thread-safe: each thread writes only its own figures; readers may run on any thread and see each
 * thread's figures as of some recent call.
 */
final class CallFigures {
    /** A call this slow (or slower) is worth timing every time. */
    static final long SLOW_NANOS = 1_000;
    /** One fast call in this many reads the clock; a power of two. */
    static final int SAMPLE_EVERY = 64;

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    private final int operations;
    /**
     * The last sampled duration per operation, shared by all threads: an estimate, so racy updates are
     * fine.
     */
    private final long[] held;

    private final ThreadLocal<long[]> local = ThreadLocal.withInitial(this::register);
    /** Guarded by {@code this}: each registered thread and its figures. */
    private final List<Registered> live = new ArrayList<>();
    /** Guarded by {@code this}: the summed figures of threads that ended. */
    private final long[] retired;
    /** Guarded by {@code this}: fold ended threads when {@link #live} reaches this size. */
    private int foldAt = 16;

    /** A thread and its figures: counts, then nanos per operation, then bytes read and written. */
    private record Registered(Thread owner, long[] figures) {}

    /** @param operations how many operations (indexes {@code 0 .. operations-1}) are counted */
    CallFigures(int operations) {
        this.operations = operations;
        this.held = new long[operations];
        Arrays.fill(held, SLOW_NANOS);
        this.retired = new long[2 * operations + 2];
    }

    /** @return a clock reading when this call of {@code op} is to be timed, else {@link PluginObserver#NOT_TIMED} */
    long start(int op) {
        if ((long) LONGS.getOpaque(held, op) >= SLOW_NANOS
                || (ThreadLocalRandom.current().nextInt() & (SAMPLE_EVERY - 1)) == 0) {
            return System.nanoTime();
        }
        return PluginObserver.NOT_TIMED;
    }

    /** Counts one call of {@code op} (returned or threw) that began with the stamp {@code start}. */
    void ended(int op, long start) {
        long took = start == PluginObserver.NOT_TIMED ? (long) LONGS.getOpaque(held, op) : sampled(op, start);
        long[] f = local.get();
        LONGS.setOpaque(f, op, f[op] + 1);
        LONGS.setOpaque(f, operations + op, f[operations + op] + took);
    }

    /** {@link #ended} and {@link #bytesRead} with one lookup. */
    void endedRead(int op, long start, long bytes) {
        long took = start == PluginObserver.NOT_TIMED ? (long) LONGS.getOpaque(held, op) : sampled(op, start);
        long[] f = local.get();
        LONGS.setOpaque(f, op, f[op] + 1);
        LONGS.setOpaque(f, operations + op, f[operations + op] + took);
        int read = 2 * operations;
        LONGS.setOpaque(f, read, f[read] + bytes);
    }

    /** {@link #ended} and {@link #bytesWritten} with one lookup. */
    void endedWrite(int op, long start, long bytes) {
        long took = start == PluginObserver.NOT_TIMED ? (long) LONGS.getOpaque(held, op) : sampled(op, start);
        long[] f = local.get();
        LONGS.setOpaque(f, op, f[op] + 1);
        LONGS.setOpaque(f, operations + op, f[operations + op] + took);
        int written = 2 * operations + 1;
        LONGS.setOpaque(f, written, f[written] + bytes);
    }

    void bytesRead(long bytes) {
        add(2 * operations, bytes);
    }

    void bytesWritten(long bytes) {
        add(2 * operations + 1, bytes);
    }

    private void add(int slot, long amount) {
        long[] f = local.get();
        LONGS.setOpaque(f, slot, f[slot] + amount);
    }

    /** @return the duration of a timed call, held as the operation's sample */
    private long sampled(int op, long start) {
        long took = Math.max(0, System.nanoTime() - start);
        LONGS.setOpaque(held, op, took);
        return took;
    }

    /** @return calls of {@code op} so far */
    long count(int op) {
        return sum(op);
    }

    /** @return the time spent in calls of {@code op} so far, in nanoseconds (fast calls estimated by sample) */
    long nanos(int op) {
        return sum(operations + op);
    }

    long bytesRead() {
        return sum(2 * operations);
    }

    long bytesWritten() {
        return sum(2 * operations + 1);
    }

    /** @return how many threads' figures are kept apart (for tests: ended threads are folded away) */
    synchronized int liveThreads() {
        foldEnded();
        return live.size();
    }

    /** @return how many threads' figures are listed now, without folding (for tests) */
    synchronized int listedThreads() {
        return live.size();
    }

    private synchronized long sum(int slot) {
        foldEnded();
        long total = retired[slot];
        for (Registered t : live) {
            total += (long) LONGS.getOpaque(t.figures(), slot);
        }
        return total;
    }

    /** Caller holds {@code this}. */
    private void foldEnded() {
        for (Iterator<Registered> it = live.iterator(); it.hasNext(); ) {
            Registered t = it.next();
            // A thread's last writes happen-before another thread sees it not alive (JLS 17.4.4).
            if (!t.owner().isAlive()) {
                long[] f = t.figures();
                for (int i = 0; i < retired.length; i++) {
                    retired[i] += f[i];
                }
                it.remove();
            }
        }
        foldAt = Math.max(16, 2 * live.size());
    }

    private long[] register() {
        long[] mine = new long[retired.length];
        synchronized (this) {
            // Once per thread per plugin. Folding when the list has doubled keeps hosts that churn threads
            // (pools, virtual threads) from growing it while nobody scrapes, at amortised constant cost.
            if (live.size() >= foldAt) {
                foldEnded();
            }
            live.add(new Registered(Thread.currentThread(), mine));
        }
        return mine;
    }
}
