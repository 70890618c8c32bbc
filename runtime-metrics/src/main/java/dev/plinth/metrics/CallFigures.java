package dev.plinth.metrics;

import dev.plinth.core.observe.PluginObserver;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * One plugin's call figures (count and time per operation, value bytes in and out), cheap enough to sit on
 * a memory get, which takes well under a microsecond.
 *
 * <p>Two things make a shared counter and a clock reading per call too dear there (together they cost
 * about as much as the get itself, measured in {@code MetricsBench}), and this class avoids both:
 *
 * <ul>
 *   <li><b>No shared write per call.</b> Each platform thread keeps its own figures and writes them with
 *       plain (opaque) stores: no compare-and-set, no contended cache line. A scrape sums the threads;
 *       threads that have ended are folded into retired totals, so their calls are never lost and their
 *       figures do not pile up. Virtual threads, which may be millions, share one set of
 *       {@link LongAdder}s instead.
 *   <li><b>Fast calls are timed by sample.</b> One call in {@value #SAMPLE_EVERY} of an operation reads the
 *       clock; the others add the last sampled duration (sample-and-hold), so the total time stays an
 *       estimate that only grows. Once a sample shows the operation takes {@value #SLOW_NANOS} ns or more
 *       (a network or disk call), every call is timed until a sample is fast again: at that size a clock
 *       reading costs under 5%. Counts are always exact.
 * </ul>
 *
 * Thread-safe: each thread writes only its own figures; readers may run on any thread and see each
 * thread's figures as of some recent call.
 */
final class CallFigures {
    /** A call this slow (or slower) is worth timing every time. */
    static final long SLOW_NANOS = 1_000;
    /** One fast call in this many reads the clock; a power of two. */
    static final int SAMPLE_EVERY = 16;

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final MethodHandle IS_VIRTUAL = isVirtualHandle();

    private final int operations;
    /**
     * The last sampled duration per operation, shared by all threads: an estimate, so racy updates are
     * fine.
     */
    private final long[] held;

    private final ThreadLocal<Figures> local = ThreadLocal.withInitial(this::forCurrentThread);
    private final Shared shared;
    /** Guarded by {@code this}: the figures of live platform threads, and the folded totals of ended ones. */
    private final List<PerThread> live = new ArrayList<>();

    private final long[] retired;

    /** @param operations how many operations (indexes {@code 0 .. operations-1}) are counted */
    CallFigures(int operations) {
        this.operations = operations;
        this.held = new long[operations];
        // Until a first sample says otherwise an operation counts as slow: its first call is timed.
        java.util.Arrays.fill(held, SLOW_NANOS);
        this.shared = new Shared(operations);
        this.retired = new long[slots(operations)];
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
        local.get().ended(op, took(op, start), 0, 0);
    }

    /** {@link #ended} and {@link #bytesRead} with one lookup. */
    void endedRead(int op, long start, long bytes) {
        local.get().ended(op, took(op, start), readSlot(), bytes);
    }

    /** {@link #ended} and {@link #bytesWritten} with one lookup. */
    void endedWrite(int op, long start, long bytes) {
        local.get().ended(op, took(op, start), writtenSlot(), bytes);
    }

    void bytesRead(long bytes) {
        local.get().add(readSlot(), bytes);
    }

    void bytesWritten(long bytes) {
        local.get().add(writtenSlot(), bytes);
    }

    /** @return the call's duration when it was timed (and holds it as the sample), else the held sample */
    private long took(int op, long start) {
        if (start == PluginObserver.NOT_TIMED) {
            return (long) LONGS.getOpaque(held, op);
        }
        long took = Math.max(0, System.nanoTime() - start);
        LONGS.setOpaque(held, op, took);
        return took;
    }

    /** @return calls of {@code op} so far */
    long count(int op) {
        return sum(countSlot(op));
    }

    /** @return the time spent in calls of {@code op} so far, in nanoseconds (fast calls estimated by sample) */
    long nanos(int op) {
        return sum(nanosSlot(op));
    }

    long bytesRead() {
        return sum(readSlot());
    }

    long bytesWritten() {
        return sum(writtenSlot());
    }

    /** @return how many threads' figures are kept apart (for tests: ended threads are folded away) */
    synchronized int liveThreads() {
        foldEnded();
        return live.size();
    }

    // Layout of one thread's long[]: counts, then nanos, then the two byte totals.
    private int countSlot(int op) {
        return op;
    }

    private int nanosSlot(int op) {
        return operations + op;
    }

    private int readSlot() {
        return 2 * operations;
    }

    private int writtenSlot() {
        return 2 * operations + 1;
    }

    private static int slots(int operations) {
        return 2 * operations + 2;
    }

    private synchronized long sum(int slot) {
        foldEnded();
        long total = retired[slot] + shared.sum(slot);
        for (PerThread t : live) {
            total += (long) LONGS.getOpaque(t.figures, slot);
        }
        return total;
    }

    /** Caller holds {@code this}. */
    private void foldEnded() {
        for (Iterator<PerThread> it = live.iterator(); it.hasNext(); ) {
            PerThread t = it.next();
            // A thread's last writes happen-before another thread sees it not alive (JLS 17.4.4).
            if (!t.owner.isAlive()) {
                for (int i = 0; i < retired.length; i++) {
                    retired[i] += t.figures[i];
                }
                it.remove();
            }
        }
    }

    private Figures forCurrentThread() {
        Thread current = Thread.currentThread();
        if (isVirtual(current)) {
            return shared;
        }
        PerThread mine = new PerThread(current, operations);
        synchronized (this) {
            // Registering is rare (once per thread per plugin); folding here keeps a pool that churns
            // threads from growing the list when nobody scrapes.
            foldEnded();
            live.add(mine);
        }
        return mine;
    }

    private static boolean isVirtual(Thread thread) {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invokeExact(thread);
        } catch (Throwable e) {
            return false;
        }
    }

    /** Thread.isVirtual() exists from Java 21; the baseline is 17, where no thread is virtual. */
    private static MethodHandle isVirtualHandle() {
        try {
            return MethodHandles.publicLookup()
                    .findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    private abstract static class Figures {
        /** Counts a call of {@code op} that took {@code took} ns, and adds {@code bytes} to {@code slot}. */
        abstract void ended(int op, long took, int slot, long bytes);

        abstract void add(int slot, long amount);
    }

    /** One platform thread's figures, written by that thread only. */
    private static final class PerThread extends Figures {
        final Thread owner;
        final long[] figures;
        final int operations;

        PerThread(Thread owner, int operations) {
            this.owner = owner;
            this.operations = operations;
            this.figures = new long[slots(operations)];
        }

        @Override
        void ended(int op, long took, int slot, long bytes) {
            long[] f = figures;
            LONGS.setOpaque(f, op, f[op] + 1);
            int nanos = operations + op;
            LONGS.setOpaque(f, nanos, f[nanos] + took);
            if (bytes != 0) {
                LONGS.setOpaque(f, slot, f[slot] + bytes);
            }
        }

        @Override
        void add(int slot, long amount) {
            LONGS.setOpaque(figures, slot, figures[slot] + amount);
        }
    }

    /** The figures of all virtual threads together. */
    private static final class Shared extends Figures {
        final LongAdder[] figures;
        final int operations;

        Shared(int operations) {
            this.operations = operations;
            this.figures = new LongAdder[slots(operations)];
            for (int i = 0; i < figures.length; i++) {
                figures[i] = new LongAdder();
            }
        }

        @Override
        void ended(int op, long took, int slot, long bytes) {
            figures[op].increment();
            figures[operations + op].add(took);
            if (bytes != 0) {
                figures[slot].add(bytes);
            }
        }

        @Override
        void add(int slot, long amount) {
            figures[slot].add(amount);
        }

        long sum(int slot) {
            return figures[slot].sum();
        }
    }
}
