package dev.plinth.bench;

import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Per-thread position in the working set. Each thread starts at its own offset and strides through the
 * keys, so threads touch different keys most of the time, as independent plugins would.
 */
@State(Scope.Thread)
public class Cursor {
    /** The thread's index among the benchmark's threads. */
    public int thread;

    private int next;

    @Setup
    public void setUp(ThreadParams params) {
        thread = params.getThreadIndex();
        next = thread * 7919;
    }

    /** @return the next index in {@code [0, size)}; {@code size} must be a power of two */
    public int next(int size) {
        return next++ & (size - 1);
    }

    /** @return the next index in {@code [0, size)} for any positive {@code size} */
    public int nextMod(int size) {
        int i = next++;
        return Math.floorMod(i, size);
    }
}
