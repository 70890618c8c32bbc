package dev.plinth.spi.storage;

import dev.plinth.api.storage.InvalidPatternException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A compiled key pattern in Plinth's one glob grammar, shared by every provider so that a pattern means
 * the same everywhere. Anchored at both ends; works on Unicode code points:
 * <ul>
 *   <li>{@code *} any run of characters, including none and including separators;</li>
 *   <li>{@code ?} exactly one character;</li>
 *   <li>{@code [abc]} one of the listed characters, {@code [a-z]} one in the range (inclusive, by code
 *       point), {@code [!a]} or {@code [^a]} one character not listed; a {@code ]} right after {@code [}
 *       or {@code [!} is literal;</li>
 *   <li>{@code \x} the character {@code x} literally, for any {@code x} (also inside brackets);</li>
 *   <li>anything else is literal, including {@code % _ . ( ) + | $ { } :}.</li>
 * </ul>
 * Malformed patterns (unclosed bracket, trailing backslash, reversed range, empty pattern, an unpaired
 * surrogate anywhere) are rejected by {@link #compile} with {@link InvalidPatternException}.
 *
 * <p>Providers use {@link #matches}, {@link #literalPrefix()} (with {@link KeyRange}) for index range scans,
 * and {@link #elements()} to translate a pattern into their backend's own dialect, which is the provider's
 * business. Immutable and thread-safe.
 *
 * <p>About 400 lines: the grammar's parser, matcher and parsed form belong together, so that one class defines
 * what a pattern means.
 */
public final class GlobPattern {
    /** The longest pattern accepted, in characters. */
    public static final int MAX_LENGTH = 4096;

    private final String source;
    private final Token[] tokens;
    private final String literalPrefix;
    private final boolean literal;

    private GlobPattern(String source, Token[] tokens) {
        this.source = source;
        this.tokens = tokens;
        StringBuilder prefix = new StringBuilder();
        int i = 0;
        while (i < tokens.length && tokens[i].kind == Kind.LITERAL) {
            prefix.appendCodePoint(tokens[i].codePoint);
            i++;
        }
        this.literalPrefix = prefix.toString();
        this.literal = i == tokens.length;
    }

    /**
     * @param pattern the glob text
     * @return the compiled pattern
     * @throws InvalidPatternException when the pattern is {@code null}, empty, longer than
     *     {@value #MAX_LENGTH} characters, holds an unpaired surrogate, or is malformed; the message gives
     *     the index at fault
     */
    public static GlobPattern compile(@Nullable String pattern) {
        if (pattern == null) {
            throw new InvalidPatternException(null, -1, "pattern is null");
        }
        if (pattern.isEmpty()) {
            throw new InvalidPatternException(pattern, -1, "pattern is empty; use * to match every key");
        }
        if (pattern.length() > MAX_LENGTH) {
            throw new InvalidPatternException(pattern, -1, "pattern is longer than " + MAX_LENGTH + " characters");
        }
        rejectUnpairedSurrogates(pattern);
        List<Token> out = new ArrayList<>();
        int i = 0;
        int n = pattern.length();
        while (i < n) {
            int cp = pattern.codePointAt(i);
            int start = i;
            i += Character.charCount(cp);
            switch (cp) {
                case '*':
                    if (out.isEmpty() || out.get(out.size() - 1).kind != Kind.STAR) {
                        out.add(Token.STAR);
                    }
                    break;
                case '?':
                    out.add(Token.ANY);
                    break;
                case '\\':
                    if (i >= n) {
                        throw new InvalidPatternException(pattern, start, "trailing backslash escapes nothing");
                    }
                    int escaped = pattern.codePointAt(i);
                    i += Character.charCount(escaped);
                    out.add(Token.literal(escaped));
                    break;
                case '[':
                    i = parseClass(pattern, start, i, out);
                    break;
                default:
                    out.add(Token.literal(cp));
            }
        }
        return new GlobPattern(pattern, out.toArray(new Token[0]));
    }

    /**
     * Keys are Unicode scalar values, so a lone surrogate can match no key; refusing it here keeps every
     * backend from translating it (sqlite-jdbc would send it as {@code ?}, a wildcard).
     */
    private static void rejectUnpairedSurrogates(String pattern) {
        int at = UnicodeText.unpairedSurrogate(pattern);
        if (at >= 0) {
            throw new InvalidPatternException(
                    pattern,
                    at,
                    String.format(
                            "unpaired surrogate U+%04X; keys and patterns are Unicode text", (int) pattern.charAt(at)));
        }
    }

    private static int parseClass(String p, int open, int i, List<Token> out) {
        int n = p.length();
        boolean negated = false;
        if (i < n && (p.charAt(i) == '!' || p.charAt(i) == '^')) {
            negated = true;
            i++;
        }
        List<int[]> ranges = new ArrayList<>();
        boolean first = true;
        while (true) {
            if (i >= n) {
                throw new InvalidPatternException(p, open, "'[' is never closed; write \\[ for a literal bracket");
            }
            int cp = p.codePointAt(i);
            if (cp == ']' && !first) {
                i++;
                break;
            }
            first = false;
            int lo;
            int loIndex = i;
            if (cp == '\\') {
                i++;
                if (i >= n) {
                    throw new InvalidPatternException(p, loIndex, "trailing backslash escapes nothing");
                }
                lo = p.codePointAt(i);
            } else {
                lo = cp;
            }
            i += Character.charCount(lo);
            int hi = lo;
            if (i + 1 < n && p.charAt(i) == '-' && p.charAt(i + 1) != ']') {
                i++;
                int hcp = p.codePointAt(i);
                if (hcp == '\\') {
                    i++;
                    if (i >= n) {
                        throw new InvalidPatternException(p, i - 1, "trailing backslash escapes nothing");
                    }
                    hcp = p.codePointAt(i);
                }
                i += Character.charCount(hcp);
                hi = hcp;
                if (hi < lo) {
                    throw new InvalidPatternException(
                            p,
                            loIndex,
                            "range " + new String(Character.toChars(lo)) + "-" + new String(Character.toChars(hi))
                                    + " is reversed");
                }
            }
            ranges.add(new int[] {lo, hi});
        }
        out.add(Token.ofClass(ranges.toArray(new int[0][]), negated));
        return i;
    }

    /** @return the pattern text as given */
    public String source() {
        return source;
    }

    /**
     * The parsed pattern, for a provider that translates it into its backend's own matching (SQLite's
     * {@code GLOB}, a Redis {@code MATCH}): consecutive {@code *} are already merged, escapes resolved.
     * Translation is the provider's business; this class only says what the pattern means.
     *
     * @return the elements in order; unmodifiable
     */
    public List<Element> elements() {
        List<Element> out = new ArrayList<>(tokens.length);
        for (Token t : tokens) {
            switch (t.kind) {
                case LITERAL:
                    out.add(new Literal(t.codePoint));
                    break;
                case ANY:
                    out.add(AnyOne.INSTANCE);
                    break;
                case STAR:
                    out.add(AnyRun.INSTANCE);
                    break;
                default:
                    List<Range> ranges = new ArrayList<>(t.ranges.length);
                    for (int[] r : t.ranges) {
                        ranges.add(new Range(r[0], r[1]));
                    }
                    out.add(new OneOf(List.copyOf(ranges), t.negated));
            }
        }
        return List.copyOf(out);
    }

    /** One element of a parsed pattern. */
    public sealed interface Element permits Literal, AnyOne, AnyRun, OneOf {}

    /**
     * A character that must appear as is.
     *
     * @param codePoint the character
     */
    public record Literal(int codePoint) implements Element {}

    /** {@code ?}: exactly one character. */
    public enum AnyOne implements Element {
        /** The only instance. */
        INSTANCE
    }

    /** {@code *}: any run of characters, none included. */
    public enum AnyRun implements Element {
        /** The only instance. */
        INSTANCE
    }

    /**
     * {@code [...]}: one character in (or, negated, not in) any of the ranges.
     *
     * @param ranges the ranges, as written; a single character is a range of one
     * @param negated {@code true} for {@code [!...]} or {@code [^...]}
     */
    public record OneOf(List<Range> ranges, boolean negated) implements Element {}

    /**
     * An inclusive code point range of a {@link OneOf}.
     *
     * @param from the first code point
     * @param to the last code point, at least {@code from}
     */
    public record Range(int from, int to) {}

    /**
     * @return the characters every matching key starts with (up to the first wildcard); may be empty
     */
    public String literalPrefix() {
        return literalPrefix;
    }

    /** @return {@code true} when the pattern has no wildcard: it matches exactly one key */
    public boolean isLiteral() {
        return literal;
    }

    /** @return {@code true} when the pattern matches every key ({@code *}) */
    public boolean matchesEverything() {
        return tokens.length == 1 && tokens[0].kind == Kind.STAR;
    }

    /**
     * @return the smallest string greater, in code point order, than every string starting with
     *     {@link #literalPrefix()}; empty when the prefix is empty or made only of U+10FFFF (no upper bound)
     */
    public Optional<String> prefixUpperBound() {
        return upperBoundOf(literalPrefix);
    }

    /**
     * @param prefix a prefix
     * @return the smallest string greater, in code point order, than every string starting with
     *     {@code prefix}; empty when there is none
     */
    public static Optional<String> upperBoundOf(String prefix) {
        int[] cps = prefix.codePoints().toArray();
        for (int k = cps.length - 1; k >= 0; k--) {
            int next = cps[k] + 1;
            if (next >= Character.MIN_SURROGATE && next <= Character.MAX_SURROGATE) {
                next = Character.MAX_SURROGATE + 1;
            }
            if (next <= Character.MAX_CODE_POINT) {
                StringBuilder b = new StringBuilder();
                for (int j = 0; j < k; j++) {
                    b.appendCodePoint(cps[j]);
                }
                return Optional.of(b.appendCodePoint(next).toString());
            }
        }
        return Optional.empty();
    }

    /**
     * @param key a key
     * @return {@code true} when the whole key matches the whole pattern
     */
    public boolean matches(String key) {
        Objects.requireNonNull(key, "key");
        if (literal) {
            return key.equals(literalPrefix);
        }
        if (!key.startsWith(literalPrefix)) {
            return false;
        }
        // Classic linear-backtracking wildcard match: remember the last '*' and retry from one character
        // further on a mismatch. Correct for '*' with any single-character tokens, O(n*m) worst case.
        int t = 0;
        int k = 0;
        int starToken = -1;
        int starKey = -1;
        int n = key.length();
        while (k < n) {
            int cp = key.codePointAt(k);
            if (t < tokens.length && tokens[t].kind != Kind.STAR && tokens[t].matches(cp)) {
                t++;
                k += Character.charCount(cp);
            } else if (t < tokens.length && tokens[t].kind == Kind.STAR) {
                starToken = t++;
                starKey = k;
            } else if (starToken >= 0) {
                t = starToken + 1;
                starKey += Character.charCount(key.codePointAt(starKey));
                k = starKey;
            } else {
                return false;
            }
        }
        while (t < tokens.length && tokens[t].kind == Kind.STAR) {
            t++;
        }
        return t == tokens.length;
    }

    @Override
    public String toString() {
        return source;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof GlobPattern && ((GlobPattern) o).source.equals(source);
    }

    @Override
    public int hashCode() {
        return source.hashCode();
    }

    private enum Kind {
        LITERAL,
        ANY,
        STAR,
        CLASS
    }

    private static final class Token {
        /** The ranges of every token that is not a class: none. */
        private static final int[][] NO_RANGES = new int[0][];

        static final Token STAR = new Token(Kind.STAR, 0, NO_RANGES, false);
        static final Token ANY = new Token(Kind.ANY, 0, NO_RANGES, false);

        final Kind kind;
        final int codePoint;
        final int[][] ranges;
        final boolean negated;

        private Token(Kind kind, int codePoint, int[][] ranges, boolean negated) {
            this.kind = kind;
            this.codePoint = codePoint;
            this.ranges = ranges;
            this.negated = negated;
        }

        static Token literal(int cp) {
            return new Token(Kind.LITERAL, cp, NO_RANGES, false);
        }

        static Token ofClass(int[][] ranges, boolean negated) {
            return new Token(Kind.CLASS, 0, ranges, negated);
        }

        boolean matches(int cp) {
            switch (kind) {
                case LITERAL:
                    return cp == codePoint;
                case ANY:
                    return true;
                case CLASS:
                    boolean in = false;
                    for (int[] r : ranges) {
                        if (cp >= r[0] && cp <= r[1]) {
                            in = true;
                            break;
                        }
                    }
                    return in != negated;
                default:
                    return false;
            }
        }
    }
}
