package dev.plinth.spi.storage;

import java.util.List;
import java.util.Objects;

/**
 * One atomic change, as {@link StorageBackend#commit} receives it: preconditions checked first, then the
 * writes applied in order. The lists are unmodifiable.
 *
 * @param preconditions each key must be at the given version ({@code ABSENT}: absent or expired); may be
 *     empty
 * @param writes applied in order; a key may appear more than once (the last write wins); empty only when
 *     there are preconditions (a transaction that only checks versions)
 */
public record Commit(List<Precondition> preconditions, List<Write> writes) {
    /**
     * @param preconditions the preconditions
     * @param writes the writes
     * @throws NullPointerException when a list or an element is {@code null}
     * @throws IllegalArgumentException when both lists are empty
     */
    public Commit {
        preconditions = List.copyOf(Objects.requireNonNull(preconditions, "preconditions"));
        writes = List.copyOf(Objects.requireNonNull(writes, "writes"));
        if (writes.isEmpty() && preconditions.isEmpty()) {
            throw new IllegalArgumentException("a commit has at least one write or precondition");
        }
    }

    /**
     * @param writes the writes
     * @return a commit without preconditions
     */
    public static Commit of(Write... writes) {
        return new Commit(List.of(), List.of(writes));
    }
}
