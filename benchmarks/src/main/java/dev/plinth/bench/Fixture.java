package dev.plinth.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The working set every get/set benchmark uses, built once per JVM and shared read-only by the Plinth
 * side and the raw side, so both get exactly the same keys, values and batches.
 */
final class Fixture {
    static final String[] KEYS = Data.keys(Data.WORKING_SET);
    static final byte[] VALUE = Data.value(0);
    /** {@link Data#WORKING_SET} / 100 batches of 100 consecutive keys with their values. */
    static final List<Map<String, byte[]>> WRITE_BATCHES;
    /** The keys of each write batch. */
    static final List<List<String>> READ_BATCHES;

    static {
        List<Map<String, byte[]>> writes = new ArrayList<>();
        List<List<String>> reads = new ArrayList<>();
        for (int b = 0; b < Data.WORKING_SET / Data.BATCH; b++) {
            Map<String, byte[]> batch = Data.batch(KEYS, b);
            writes.add(batch);
            reads.add(List.copyOf(batch.keySet()));
        }
        WRITE_BATCHES = List.copyOf(writes);
        READ_BATCHES = List.copyOf(reads);
    }

    private Fixture() {}

    /** @return the key at a cursor position in the working set */
    static String key(Cursor c) {
        return KEYS[c.next(Data.WORKING_SET)];
    }

    /** @return the index of the next batch for this cursor */
    static int batch(Cursor c) {
        return c.nextMod(WRITE_BATCHES.size());
    }
}
