package dev.plinth.provider.redis.internal;

import dev.plinth.spi.storage.GlobPattern;

/**
 * Plinth's glob in Redis's {@code MATCH} dialect (SCAN, KEYS), built from {@link GlobPattern#elements()}.
 * Redis's glob matches bytes, not characters, and treats {@code [}, {@code ^} and {@code -} differently, so
 * the translation is deliberately a superset: the pattern's literal prefix, escaped, then {@code *} unless
 * the pattern is literal. Callers filter what it selects with {@link GlobPattern#matches} for the exact
 * result. The backend itself lists through its lexicographic index and needs no MATCH; tools and tests that
 * scan a server use this. Stateless and thread-safe.
 */
final class RedisMatch {
    private RedisMatch() {}

    /**
     * @param pattern a compiled pattern
     * @return the escaped literal prefix, plus {@code *} when the pattern has wildcards
     */
    static String of(GlobPattern pattern) {
        StringBuilder prefix = new StringBuilder();
        boolean literal = true;
        for (GlobPattern.Element e : pattern.elements()) {
            if (!(e instanceof GlobPattern.Literal l)) {
                literal = false;
                break;
            }
            prefix.appendCodePoint(l.codePoint());
        }
        String escaped = escape(prefix.toString());
        return literal ? escaped : escaped + "*";
    }

    /**
     * @param s literal text
     * @return {@code s} with every character Redis's glob treats specially ({@code * ? [ ] \ ^ -}) preceded
     *     by a backslash, so it matches exactly {@code s}
     */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 4);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\' || c == '^' || c == '-') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }
}
