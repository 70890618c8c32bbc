package dev.plinth.spi.storage;

import org.jspecify.annotations.Nullable;

/**
 * The part of a namespace's ordered keys (UTF-8 byte order) that can hold matches of a pattern after a cursor:
 * from the pattern's literal prefix, or just after the cursor when that is further, up to the smallest
 * string above every key with the prefix. A backend with an ordered index scans only this range, so listing
 * {@code user:*} costs in proportion to the keys under {@code user:}, then filters with
 * {@link GlobPattern#matches}. Immutable.
 */
public final class KeyRange {
    private static final KeyRange EMPTY = new KeyRange(null, false, null, true);

    private final @Nullable String lower;
    private final boolean lowerInclusive;
    private final @Nullable String upper;
    private final boolean empty;

    private KeyRange(@Nullable String lower, boolean lowerInclusive, @Nullable String upper, boolean empty) {
        this.lower = lower;
        this.lowerInclusive = lowerInclusive;
        this.upper = upper;
        this.empty = empty;
    }

    /**
     * @param pattern the pattern
     * @param afterKey only keys strictly after it, or {@code null} from the start
     * @return the range to scan
     */
    public static KeyRange of(GlobPattern pattern, @Nullable String afterKey) {
        String prefix = pattern.literalPrefix();
        String lower = prefix.isEmpty() ? null : prefix;
        boolean inclusive = true;
        if (afterKey != null && (lower == null || KeyRules.compareUtf8(afterKey, lower) >= 0)) {
            lower = afterKey;
            inclusive = false;
        }
        String upper;
        if (pattern.isLiteral()) {
            // One key at most: the range [key, key] written as [key, key + U+0000), whatever the cursor says.
            upper = prefix + '\u0000';
        } else {
            upper = prefix.isEmpty() ? null : pattern.prefixUpperBound().orElse(null);
        }
        if (upper != null && lower != null && KeyRules.compareUtf8(lower, upper) >= 0) {
            return EMPTY;
        }
        return new KeyRange(lower, inclusive, upper, false);
    }

    /** @return the lowest key of the range, or {@code null} for no lower bound */
    public @Nullable String lower() {
        return lower;
    }

    /** @return whether {@link #lower()} itself is in the range */
    public boolean lowerInclusive() {
        return lowerInclusive;
    }

    /** @return the first key above the range (exclusive), or {@code null} for no upper bound */
    public @Nullable String upper() {
        return upper;
    }

    /** @return {@code true} when no key can be in the range */
    public boolean isEmpty() {
        return empty;
    }

    /**
     * @param key a key
     * @return {@code true} when it lies in the range
     */
    public boolean contains(String key) {
        if (empty) {
            return false;
        }
        if (lower != null) {
            int c = KeyRules.compareUtf8(key, lower);
            if (c < 0 || (c == 0 && !lowerInclusive)) {
                return false;
            }
        }
        return upper == null || KeyRules.compareUtf8(key, upper) < 0;
    }

    @Override
    public String toString() {
        return empty ? "KeyRange[empty]" : "KeyRange[" + (lowerInclusive ? "[" : "(") + lower + ", " + upper + ")]";
    }
}
