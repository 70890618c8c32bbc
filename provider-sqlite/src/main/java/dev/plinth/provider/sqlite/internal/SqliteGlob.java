package dev.plinth.provider.sqlite.internal;

import dev.plinth.spi.storage.GlobPattern;
import java.util.List;

/**
 * Translates a {@link GlobPattern} into the text of SQLite's {@code GLOB} operator, from the parsed pattern
 * ({@link GlobPattern#elements()}). SQLite's GLOB has no escape character: a literal {@code *}, {@code ?} or
 * {@code [} becomes a one-character class ({@code [*]}, {@code [?]}, {@code [[]}). Inside a class
 * {@code ]} is placed first, {@code -} and {@code ^} last, and {@code ^} never first unless it negates. The
 * result matches exactly the keys {@link GlobPattern#matches} accepts (SQLite compares code points,
 * case-sensitively). Stateless and thread-safe.
 */
final class SqliteGlob {
    private SqliteGlob() {}

    /**
     * @param pattern the compiled pattern
     * @return the GLOB text, to be bound as a statement parameter (never concatenated into SQL)
     */
    static String of(GlobPattern pattern) {
        StringBuilder b = new StringBuilder(pattern.source().length() + 8);
        for (GlobPattern.Element e : pattern.elements()) {
            if (e instanceof GlobPattern.Literal literal) {
                appendLiteral(b, literal.codePoint());
            } else if (e instanceof GlobPattern.OneOf oneOf) {
                appendClass(b, oneOf.ranges(), oneOf.negated());
            } else if (e == GlobPattern.AnyOne.INSTANCE) {
                b.append('?');
            } else {
                b.append('*');
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

    /**
     * SQLite reads "[^...]" as a negation, a ']' first as literal, '-' between two characters as a range and
     * a '-' last as literal; so ']' goes first and '-' and '^' last, where neither can be misread.
     */
    private static void appendClass(StringBuilder b, List<GlobPattern.Range> ranges, boolean negated) {
        b.append('[');
        if (negated) {
            b.append('^');
        }
        boolean hasBracket = false;
        boolean hasDash = false;
        boolean hasCaret = false;
        StringBuilder mid = new StringBuilder();
        for (GlobPattern.Range r : ranges) {
            int lo = r.from();
            int hi = r.to();
            // A range over a special character is split around it, so every end stays unambiguous.
            hasBracket |= lo <= ']' && ']' <= hi;
            hasDash |= lo <= '-' && '-' <= hi;
            hasCaret |= lo <= '^' && '^' <= hi;
            appendRangeAvoiding(mid, lo, hi);
        }
        if (hasBracket) {
            b.append(']');
        }
        b.append(mid);
        // A '^' right after '[' would negate: it goes after at least one other member. When it is the only
        // member of a plain class, the class is just the literal '^', which needs no brackets in GLOB.
        boolean caretWouldLead = hasCaret && !negated && !hasBracket && mid.length() == 0;
        if (caretWouldLead && !hasDash) {
            b.setLength(b.length() - 1);
            b.append('^');
            return;
        }
        if (caretWouldLead) {
            b.append("-^");
        } else {
            if (hasCaret) {
                b.append('^');
            }
            if (hasDash) {
                b.append('-');
            }
        }
        b.append(']');
    }

    /** Appends lo-hi as SQLite ranges, leaving out ']', '-' and '^' (emitted separately). */
    private static void appendRangeAvoiding(StringBuilder b, int lo, int hi) {
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
