package dev.plinth.core.admin;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How {@link StorageAdmin#migrateTo} copies. Immutable.
 *
 * @param batchSize keys read per page and written per target commit, 1 to 10,000
 * @param allowNonEmptyTarget {@code false} (the default): refuse a target that already holds data, unless
 *     the state file says this is the same migration resumed; {@code true}: write over it (keys of the same
 *     name are replaced, others kept)
 * @param stateFile where finished scopes are recorded, so a rerun after an interruption resumes after the
 *     last finished scope; {@code null} for none (a rerun then needs {@code allowNonEmptyTarget}). Deleted
 *     once every scope verified
 * @param scopes the scopes to copy; empty for every scope of the source
 */
public record MigrateOptions(
        int batchSize,
        boolean allowNonEmptyTarget,
        @Nullable Path stateFile,
        List<String> scopes) {
    /** Keys per page unless told otherwise. */
    public static final int DEFAULT_BATCH = 1000;

    /**
     * @param batchSize keys per page
     * @param allowNonEmptyTarget whether a non-empty target is written over
     * @param stateFile the state file, or {@code null}
     * @param scopes the scopes, or empty for all
     * @throws IllegalArgumentException when {@code batchSize} is out of range
     * @throws NullPointerException when {@code scopes} is {@code null}
     */
    public MigrateOptions {
        if (batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException("batchSize must be 1 to 10000, was " + batchSize);
        }
        scopes = List.copyOf(Objects.requireNonNull(scopes, "scopes"));
    }

    /** @return {@value #DEFAULT_BATCH} keys per page, refuse a non-empty target, no state file, every scope */
    public static MigrateOptions defaults() {
        return new MigrateOptions(DEFAULT_BATCH, false, null, List.of());
    }

    /**
     * @param size keys per page
     * @return a copy with it
     */
    public MigrateOptions withBatchSize(int size) {
        return new MigrateOptions(size, allowNonEmptyTarget, stateFile, scopes);
    }

    /**
     * @param allow whether a non-empty target is written over
     * @return a copy with it
     */
    public MigrateOptions withAllowNonEmptyTarget(boolean allow) {
        return new MigrateOptions(batchSize, allow, stateFile, scopes);
    }

    /**
     * @param file the state file, or {@code null}
     * @return a copy with it
     */
    public MigrateOptions withStateFile(@Nullable Path file) {
        return new MigrateOptions(batchSize, allowNonEmptyTarget, file, scopes);
    }

    /**
     * @param only the scopes to copy, or empty for all
     * @return a copy with them
     */
    public MigrateOptions withScopes(List<String> only) {
        return new MigrateOptions(batchSize, allowNonEmptyTarget, stateFile, only);
    }
}
