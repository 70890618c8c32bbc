package dev.plinth.core.archive;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A semantic version ({@code MAJOR.MINOR.PATCH[-pre][+build]}, semver.org 2.0). Ordering follows the
 * spec: numeric parts, then a pre-release sorts before the release; build metadata is ignored. Immutable.
 *
 * @param major major version
 * @param minor minor version
 * @param patch patch version
 * @param preRelease pre-release identifiers, empty for a release
 */
public record SemVer(int major, int minor, int patch, String preRelease) implements Comparable<SemVer> {
    private static final Pattern FULL = Pattern.compile(
            "(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})(?:-([0-9A-Za-z.-]+))?(?:\\+[0-9A-Za-z.-]+)?");
    private static final Pattern PARTIAL =
            Pattern.compile("(0|[1-9]\\d{0,8})(?:\\.(0|[1-9]\\d{0,8}))?(?:\\.(0|[1-9]\\d{0,8}))?");

    /** @throws NullPointerException when {@code preRelease} is {@code null} */
    public SemVer {
        Objects.requireNonNull(preRelease, "preRelease");
    }

    /**
     * @param text a full version such as {@code 1.2.0} or {@code 2.0.0-rc.1}
     * @return the version
     * @throws IllegalArgumentException when {@code text} is not a semantic version; the message quotes it
     */
    public static SemVer parse(String text) {
        Matcher m = FULL.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.2.0)");
        }
        return new SemVer(
                Integer.parseInt(m.group(1)),
                Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)),
                m.group(4) == null ? "" : m.group(4));
    }

    /**
     * A version bound as written in a range: {@code 1}, {@code 1.2} or a full version; missing parts are 0.
     *
     * @param text the bound
     * @return the version
     * @throws IllegalArgumentException when it is neither
     */
    static SemVer parseBound(String text) {
        Matcher m = PARTIAL.matcher(text);
        if (m.matches()) {
            return new SemVer(
                    Integer.parseInt(m.group(1)),
                    m.group(2) == null ? 0 : Integer.parseInt(m.group(2)),
                    m.group(3) == null ? 0 : Integer.parseInt(m.group(3)),
                    "");
        }
        return parse(text);
    }

    @Override
    public int compareTo(SemVer o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        if (c == 0) {
            c = Integer.compare(patch, o.patch);
        }
        if (c != 0) {
            return c;
        }
        if (preRelease.isEmpty() || o.preRelease.isEmpty()) {
            return Boolean.compare(preRelease.isEmpty(), o.preRelease.isEmpty());
        }
        return comparePre(preRelease, o.preRelease);
    }

    private static int comparePre(String a, String b) {
        String[] x = a.split("\\.", -1);
        String[] y = b.split("\\.", -1);
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            boolean xn = x[i].chars().allMatch(Character::isDigit);
            boolean yn = y[i].chars().allMatch(Character::isDigit);
            int c;
            if (xn && yn) {
                c = Long.compare(Long.parseLong(x[i]), Long.parseLong(y[i]));
            } else if (xn || yn) {
                c = xn ? -1 : 1;
            } else {
                c = x[i].compareTo(y[i]);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch + (preRelease.isEmpty() ? "" : "-" + preRelease);
    }
}
