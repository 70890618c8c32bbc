package dev.plinth.api.storage;

import org.jspecify.annotations.Nullable;

/**
 * A key pattern breaks the glob grammar (an unclosed {@code [}, a trailing {@code \}, a reversed range).
 * Thrown before anything runs. The message quotes the pattern and gives the character index at fault.
 */
public class InvalidPatternException extends StorageException {
    private static final long serialVersionUID = 1L;
    /** The pattern, kept for callers that handle this exception. */
    private final @Nullable String pattern;
    /** The index, kept for callers that handle this exception. */
    private final int index;

    /**
     * @param pattern the rejected pattern, may be {@code null}
     * @param index the character index at fault, or -1
     * @param problem what is wrong
     */
    public InvalidPatternException(@Nullable String pattern, int index, String problem) {
        super("Invalid key pattern " + StorageMessages.quote(pattern) + (index >= 0 ? " at index " + index : "") + ": "
                + problem);
        this.pattern = pattern;
        this.index = index;
    }

    /**
     * @return the rejected pattern, may be {@code null}
     */
    public @Nullable String pattern() {
        return pattern;
    }

    /**
     * @return the character index at fault, or -1 when not one place
     */
    public int index() {
        return index;
    }
}
