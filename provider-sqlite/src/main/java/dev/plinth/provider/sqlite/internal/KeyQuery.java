package dev.plinth.provider.sqlite.internal;

import dev.plinth.api.storage.InvalidArgumentException;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.KeyRange;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The SQL condition selecting live keys of one namespace that match a pattern, after an optional cursor.
 * The SPI's {@link KeyRange} (the pattern's literal prefix, or just after the cursor) becomes a range on the
 * primary key ({@code key >= lower AND key < upper}) so the cost follows the keys under the prefix;
 * {@code GLOB} ({@link SqliteGlob}, bound, never concatenated) then filters exactly. SQLite compares TEXT
 * with BINARY collation on UTF-8, which is the contract's code point order, the order KeyRange uses.
 *
 * <p>The SQL text depends only on which bounds are present, so there are few distinct texts and the
 * statements are cached per connection.
 *
 * <p>No text with an unpaired surrogate is ever bound: sqlite-jdbc encodes it as {@code ?}, which GLOB
 * reads as a wildcard (a deleteMatching of U+D800 followed by {@code *} once emptied a scope) and a
 * comparison as another key. {@link GlobPattern#compile} refuses such patterns; the cursor, which nothing
 * else checks, and every text derived from the pattern are checked here all the same.
 */
final class KeyQuery {
    private static final String[] CONDITIONS = conditions();
    private static final String[] LIST_SQL = withEach("SELECT key FROM plinth_kv WHERE ", " ORDER BY key LIMIT ?");
    private static final String[] COUNT_SQL = withEach("SELECT count(*) FROM plinth_kv WHERE ", "");
    private static final String[] DELETE_SQL = withEach("DELETE FROM plinth_kv WHERE ", "");

    /** Selects nothing; never run ({@link #isEmpty()}). */
    private static final KeyQuery EMPTY = new KeyQuery(null, false, null, null, null, true);

    private final String lower;
    private final String upper;
    private final String equal;
    private final String glob;
    private final boolean empty;
    private final int shape;

    private KeyQuery(String lower, boolean lowerExclusive, String upper, String equal, String glob, boolean empty) {
        this.lower = lower;
        this.upper = upper;
        this.equal = equal;
        this.glob = glob;
        this.empty = empty;
        this.shape = (equal != null ? 1 : 0)
                | (lower != null ? 2 : 0)
                | (lower != null && lowerExclusive ? 4 : 0)
                | (upper != null ? 8 : 0)
                | (glob != null ? 16 : 0);
    }

    private static String[] conditions() {
        String[] all = new String[32];
        for (int shape = 0; shape < all.length; shape++) {
            StringBuilder b = new StringBuilder("namespace = ?");
            if ((shape & 1) != 0) {
                b.append(" AND key = ?");
            }
            if ((shape & 2) != 0) {
                b.append((shape & 4) != 0 ? " AND key > ?" : " AND key >= ?");
            }
            if ((shape & 8) != 0) {
                b.append(" AND key < ?");
            }
            if ((shape & 16) != 0) {
                b.append(" AND key GLOB ?");
            }
            all[shape] = b.append(" AND (expires_at = 0 OR expires_at > ?)").toString();
        }
        return all;
    }

    /**
     * @param pattern the pattern
     * @param afterKey only keys strictly after it, or {@code null}
     * @return the condition
     */
    static KeyQuery of(GlobPattern pattern, String afterKey) {
        if (afterKey != null) {
            requireScalarValues("afterKey", afterKey);
        }
        requireScalarValues("pattern", pattern.literalPrefix());
        KeyRange range = KeyRange.of(pattern, afterKey);
        if (range.isEmpty()) {
            return EMPTY;
        }
        if (pattern.isLiteral()) {
            // One key, looked up by equality (the cheapest plan), when the cursor has not passed it.
            String key = pattern.literalPrefix();
            return range.contains(key) ? new KeyQuery(null, false, null, key, null, false) : EMPTY;
        }
        String glob = pattern.matchesEverything() ? null : SqliteGlob.of(pattern);
        if (glob != null) {
            requireScalarValues("pattern", glob);
        }
        if (range.upper() != null) {
            requireScalarValues("pattern", range.upper());
        }
        return new KeyQuery(range.lower(), !range.lowerInclusive(), range.upper(), null, glob, false);
    }

    /** @return {@code true} when no key can match: the query need not run */
    boolean isEmpty() {
        return empty;
    }

    /**
     * @throws InvalidArgumentException naming the argument when {@code text} holds an unpaired surrogate
     */
    static void requireScalarValues(String argument, String text) {
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new InvalidArgumentException(
                        argument,
                        String.format(
                                "unpaired surrogate U+%04X at index %d; "
                                        + "keys are Unicode scalar values, and SQLite would read it as the wildcard '?'",
                                (int) c, i));
            }
        }
    }

    private static String[] withEach(String head, String tail) {
        String[] all = new String[CONDITIONS.length];
        for (int i = 0; i < all.length; i++) {
            all[i] = head + CONDITIONS[i] + tail;
        }
        return all;
    }

    /** @return the condition text, for {@code WHERE}; the same text for the same shape of query */
    String condition() {
        return CONDITIONS[shape];
    }

    /** @return SELECT of the matching keys in key order; a LIMIT parameter follows the condition's */
    String listSql() {
        return LIST_SQL[shape];
    }

    String countSql() {
        return COUNT_SQL[shape];
    }

    String deleteSql() {
        return DELETE_SQL[shape];
    }

    /**
     * Binds the condition's parameters.
     *
     * @param ps the statement
     * @param index the first parameter index
     * @param namespace the namespace path
     * @param now the current time, epoch ms
     * @return the next free parameter index
     */
    int bind(PreparedStatement ps, int index, String namespace, long now) throws SQLException {
        int i = index;
        ps.setString(i++, namespace);
        if (equal != null) {
            ps.setString(i++, equal);
        }
        if (lower != null) {
            ps.setString(i++, lower);
        }
        if (upper != null) {
            ps.setString(i++, upper);
        }
        if (glob != null) {
            ps.setString(i++, glob);
        }
        ps.setLong(i++, now);
        return i;
    }
}
