package dev.plinth.spi.storage;

/**
 * Optional part: counting, deleting by pattern and clearing without listing every key through the
 * runtime. Without it the runtime pages through {@link StorageBackend#list} and commits removals; its
 * {@code clear} lists the namespace and removes what it found in one commit.
 */
public interface NativePatterns {

    /**
     * @param ns the namespace
     * @param pattern the compiled pattern
     * @return how many live keys match
     */
    long count(Namespace ns, GlobPattern pattern);

    /**
     * Deletes the live keys matching {@code pattern}; with a {@link ChangeFeed}, reports a {@code DELETE}
     * for each.
     *
     * @param ns the namespace
     * @param pattern the compiled pattern
     * @return how many were deleted
     */
    long deleteMatching(Namespace ns, GlobPattern pattern);

    /**
     * Removes every key of {@code ns} (not of its child namespaces) atomically; with a {@link ChangeFeed},
     * reports one {@code CLEAR}.
     *
     * @param ns the namespace
     */
    void clear(Namespace ns);
}
