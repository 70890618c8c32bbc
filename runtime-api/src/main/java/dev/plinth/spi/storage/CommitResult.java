package dev.plinth.spi.storage;

import java.util.Objects;

/**
 * What a {@link StorageBackend#commit} changed: one outcome per write, in the order of
 * {@link Commit#writes()}. For a {@link Write.Put} the outcome is its new version (positive); for a
 * {@link Write.Remove} or a {@link Write.Expire} it is {@code 1} when the key was live (and is now removed,
 * or has its new expiry) and {@code 0} when it was absent or expired. Immutable.
 */
public final class CommitResult {
    private final long[] outcomes;

    private CommitResult(long[] outcomes) {
        this.outcomes = outcomes;
    }

    /**
     * @param outcomes one per write, in the commit's order; the array is taken over, not copied
     * @return the result
     * @throws NullPointerException when {@code outcomes} is {@code null}
     */
    public static CommitResult of(long... outcomes) {
        return new CommitResult(Objects.requireNonNull(outcomes, "outcomes"));
    }

    /**
     * @param index the write's position in the commit
     * @return its outcome: a Put's version, else 1 (applied to a live key) or 0
     */
    public long outcome(int index) {
        return outcomes[index];
    }

    /**
     * @param index the write's position
     * @return {@code true} when that write found its key live ({@link Write.Put}s always apply)
     */
    public boolean applied(int index) {
        return outcomes[index] != 0;
    }

    /** @return the number of writes */
    public int size() {
        return outcomes.length;
    }

    @Override
    public String toString() {
        return "CommitResult" + java.util.Arrays.toString(outcomes);
    }
}
