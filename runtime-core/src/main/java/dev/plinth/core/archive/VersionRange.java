package dev.plinth.core.archive;

import java.util.ArrayList;
import java.util.List;

/**
 * A set of versions written as space-separated comparators that must all hold, npm style:
 * {@code >=1.2 <2}, {@code >1.0.0}, {@code <=3}, {@code =1.4.2} or a bare {@code 1.4.2} (exactly), or
 * {@code *} (any). Missing parts of a bound are 0, so {@code <2} means below {@code 2.0.0}. Immutable.
 */
public final class VersionRange {
    /** Every version. */
    public static final VersionRange ANY = new VersionRange("*", List.of());

    private record Bound(String op, SemVer version) {
        boolean test(SemVer v) {
            int c = v.compareTo(version);
            return switch (op) {
                case ">=" -> c >= 0;
                case ">" -> c > 0;
                case "<=" -> c <= 0;
                case "<" -> c < 0;
                default -> c == 0;
            };
        }
    }

    private final String text;
    private final List<Bound> bounds;

    private VersionRange(String text, List<Bound> bounds) {
        this.text = text;
        this.bounds = bounds;
    }

    /**
     * @param text the range, for example {@code >=1.2 <2}
     * @return the range
     * @throws IllegalArgumentException when a comparator or version cannot be read; the message quotes it
     */
    public static VersionRange parse(String text) {
        String t = text.trim();
        if (t.isEmpty() || t.equals("*")) {
            return ANY;
        }
        List<Bound> bounds = new ArrayList<>();
        for (String part : t.split("\\s+", -1)) {
            String op = part.startsWith(">=") || part.startsWith("<=")
                    ? part.substring(0, 2)
                    : part.startsWith(">") || part.startsWith("<") || part.startsWith("=") ? part.substring(0, 1) : "=";
            String v = part.substring(part.startsWith(op) ? op.length() : 0);
            try {
                bounds.add(new Bound(op, SemVer.parseBound(v)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("version range '" + text + "': " + e.getMessage(), e);
            }
        }
        return new VersionRange(t, List.copyOf(bounds));
    }

    /**
     * @param version a version
     * @return {@code true} when every comparator holds for it
     */
    public boolean contains(SemVer version) {
        for (Bound b : bounds) {
            if (!b.test(version)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VersionRange r && r.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /** @return the range as written */
    @Override
    public String toString() {
        return text;
    }
}
