package dev.plinth.core.admin;

import java.util.Objects;

/**
 * How {@link StorageAdmin#importFrom} treats keys the target holds and bad lines. Immutable.
 *
 * @param onConflict what to do with a key the target already holds
 * @param keepGoing {@code true}: a bad line is reported in {@link ImportReport#errors()} and the import goes
 *     on; {@code false} (the default): it stops there with an {@link ExportFormatException}
 * @param batchSize lines written per backend commit, 1 to 10,000
 */
public record ImportOptions(OnConflict onConflict, boolean keepGoing, int batchSize) {
    /** Lines per commit unless told otherwise. */
    public static final int DEFAULT_BATCH = 500;

    /**
     * @param onConflict what to do with a key the target already holds
     * @param keepGoing whether a bad line is skipped instead of stopping the import
     * @param batchSize lines per commit
     * @throws NullPointerException when {@code onConflict} is {@code null}
     * @throws IllegalArgumentException when {@code batchSize} is out of range
     */
    public ImportOptions {
        Objects.requireNonNull(onConflict, "onConflict");
        if (batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException("batchSize must be 1 to 10000, was " + batchSize);
        }
    }

    /** @return fail on conflicts, stop at a bad line, {@value #DEFAULT_BATCH} lines per commit */
    public static ImportOptions defaults() {
        return new ImportOptions(OnConflict.FAIL, false, DEFAULT_BATCH);
    }

    /**
     * @param mode the conflict rule
     * @return a copy with it
     */
    public ImportOptions withOnConflict(OnConflict mode) {
        return new ImportOptions(mode, keepGoing, batchSize);
    }

    /**
     * @param keep whether to go on after a bad line
     * @return a copy with it
     */
    public ImportOptions withKeepGoing(boolean keep) {
        return new ImportOptions(onConflict, keep, batchSize);
    }

    /**
     * @param size lines per commit
     * @return a copy with it
     */
    public ImportOptions withBatchSize(int size) {
        return new ImportOptions(onConflict, keepGoing, size);
    }
}
