package dev.plinth.provider.sqlite;

import dev.plinth.spi.storage.GlobPattern;
import java.util.ArrayList;
import java.util.List;

/**
 * Translates a compiled {@link GlobPattern} to SQLite's {@code GLOB} syntax. This is
 * {@link GlobPattern#toSqliteGlob()} with one fix: that method emits {@code [^]} for the class
 * {@code [\^]} and {@code [^-]} for {@code [\^-]}, which SQLite reads as a negation (and the first as an
 * unclosed class matching nothing). Here a class never starts with a literal {@code ^}.
 *
 * <p>SQLite's GLOB has no escape character: literal {@code * ? [} become one-character classes; inside a
 * class {@code ]} is literal only first, {@code -} only first or last, {@code ^} negates only first.
 * The pattern text was validated by {@link GlobPattern#compile}, so parsing here needs no error handling.
 */
final class SqliteGlob {
    private SqliteGlob() {
    }

    static String translate(GlobPattern pattern) {
        String p = pattern.source();
        StringBuilder b = new StringBuilder(p.length() + 8);
        int i = 0;
        int n = p.length();
        while (i < n) {
            int cp = p.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == '*') {
                b.append('*'); // "**" means "*" in both grammars
            } else if (cp == '?') {
                b.append('?');
            } else if (cp == '\\') {
                int lit = p.codePointAt(i);
                i += Character.charCount(lit);
                appendLiteral(b, lit);
            } else if (cp == '[') {
                i = appendClass(b, p, i);
            } else {
                appendLiteral(b, cp);
            }
        }
        return b.toString();
    }

    private static void appendLiteral(StringBuilder b, int cp) {
        if (cp == '*' || cp == '?' || cp == '[') {
            b.append('[').appendCodePoint(cp).append(']');
        } else {
            b.appendCodePoint(cp);
        }
    }

    /** Parses the class after its '[' (same grammar as GlobPattern.compile) and appends it; returns the index after ']'. */
    private static int appendClass(StringBuilder b, String p, int start) {
        int i = start;
        boolean negated = false;
        if (p.charAt(i) == '!' || p.charAt(i) == '^') {
            negated = true;
            i++;
        }
        List<int[]> ranges = new ArrayList<>();
        boolean first = true;
        while (true) {
            int cp = p.codePointAt(i);
            if (cp == ']' && !first) {
                i++;
                break;
            }
            first = false;
            if (cp == '\\') {
                i++;
                cp = p.codePointAt(i);
            }
            i += Character.charCount(cp);
            int hi = cp;
            if (i + 1 < p.length() && p.charAt(i) == '-' && p.charAt(i + 1) != ']') {
                i++;
                hi = p.codePointAt(i);
                if (hi == '\\') {
                    i++;
                    hi = p.codePointAt(i);
                }
                i += Character.charCount(hi);
            }
            ranges.add(new int[] {cp, hi});
        }
        emitClass(b, ranges, negated);
        return i;
    }

    private static void emitClass(StringBuilder b, List<int[]> ranges, boolean negated) {
        boolean bracket = false;
        boolean dash = false;
        boolean caret = false;
        StringBuilder mid = new StringBuilder();
        for (int[] r : ranges) {
            bracket |= r[0] <= ']' && ']' <= r[1];
            dash |= r[0] <= '-' && '-' <= r[1];
            caret |= r[0] <= '^' && '^' <= r[1];
            appendRangeAvoidingSpecials(mid, r[0], r[1]);
        }
        if (!negated && !bracket && mid.length() == 0 && caret && !dash) {
            b.append('^'); // the class [\^] is just the literal '^', which GLOB does not treat specially
            return;
        }
        b.append('[');
        if (negated) {
            b.append('^');
        }
        if (bracket) {
            b.append(']');
        }
        boolean caretWouldLead = !negated && !bracket && mid.length() == 0;
        if (dash && caretWouldLead) {
            b.append('-'); // a leading '-' is literal, and keeps '^' from being first
            dash = false;
        }
        b.append(mid);
        if (caret) {
            b.append('^');
        }
        if (dash) {
            b.append('-');
        }
        b.append(']');
    }

    private static void appendRangeAvoidingSpecials(StringBuilder b, int lo, int hi) {
        int start = lo;
        for (int special : new int[] {'-', ']', '^'}) {
            if (special >= start && special <= hi) {
                if (special - 1 >= start) {
                    appendRange(b, start, special - 1);
                }
                start = special + 1;
            }
        }
        if (start <= hi) {
            appendRange(b, start, hi);
        }
    }

    private static void appendRange(StringBuilder b, int lo, int hi) {
        b.appendCodePoint(lo);
        if (hi != lo) {
            b.append('-').appendCodePoint(hi);
        }
    }
}
