package dev.plinth.provider.sqlite.internal;

import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.Namespace;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The SQL of the operator tools' parts: the namespaces with their live counts (one grouped scan of the
 * primary key), a page of a namespace's entries (one primary-key range read), and the integrity check
 * (SQLite's {@code PRAGMA integrity_check}, then Plinth's own invariant that every row with an expiry has
 * its entry in the sweeper's list). Each runs on a read connection, so none waits for the writer.
 */
final class AdminQueries {
    private static final String LIVE = " (expires_at = 0 OR expires_at > ?)";
    private static final String NAMESPACES =
            "SELECT namespace, count(*) FROM plinth_kv WHERE" + LIVE + " GROUP BY namespace ORDER BY namespace";
    private static final String SCAN_FIRST = "SELECT key, value, version, expires_at FROM plinth_kv"
            + " WHERE namespace = ? AND" + LIVE + " ORDER BY key LIMIT ?";
    private static final String SCAN_AFTER = "SELECT key, value, version, expires_at FROM plinth_kv"
            + " WHERE namespace = ? AND key > ? AND" + LIVE + " ORDER BY key LIMIT ?";
    /** Rows with an expiry whose entry in plinth_expiry is missing: the sweeper would never reclaim them. */
    private static final String UNLISTED_EXPIRIES = "SELECT namespace, key FROM plinth_kv k WHERE k.expires_at > 0"
            + " AND NOT EXISTS (SELECT 1 FROM plinth_expiry e WHERE e.namespace = k.namespace AND e.key = k.key"
            + " AND e.expires_at = k.expires_at) LIMIT " + OpenCheck.MAX_PROBLEMS;

    private AdminQueries() {}

    static SortedMap<Namespace, Long> namespaces(SqlConnection c, long now) throws SQLException {
        SortedMap<Namespace, Long> out = new TreeMap<>();
        PreparedStatement ps = c.prepare(NAMESPACES);
        ps.setLong(1, now);
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(Namespace.parse(rs.getString(1)), rs.getLong(2));
            }
        }
        return out;
    }

    static List<BackendEntry> scan(SqlConnection c, String ns, String afterKey, int limit, long now)
            throws SQLException {
        PreparedStatement ps = c.prepare(afterKey == null ? SCAN_FIRST : SCAN_AFTER);
        int i = 1;
        ps.setString(i++, ns);
        if (afterKey != null) {
            ps.setString(i++, afterKey);
        }
        ps.setLong(i++, now);
        ps.setInt(i, limit);
        List<BackendEntry> out = new ArrayList<>(Math.min(limit, 1024));
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new BackendEntry(rs.getString(1), rs.getBytes(2), rs.getLong(3), rs.getLong(4)));
            }
        }
        return out;
    }

    /** @return the problems found; empty when the file and Plinth's tables are sound */
    static List<String> check(SqlConnection c) throws SQLException {
        List<String> found = new ArrayList<>();
        try {
            c.queryStrings("PRAGMA integrity_check(" + OpenCheck.MAX_PROBLEMS + ")", found);
        } catch (SQLException e) {
            int code = SqliteErrors.primaryCode(e);
            if (code != SqliteErrors.CORRUPT && code != SqliteErrors.NOTADB) {
                throw e;
            }
            found.remove("ok");
            found.add("PRAGMA integrity_check stopped by " + e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        for (String line : OpenCheck.lines(found)) {
            if (!line.equals("ok")) {
                problems.add("PRAGMA integrity_check: " + line);
            }
        }
        if (!problems.isEmpty()) {
            return problems; // the tables themselves cannot be trusted: checking Plinth's invariants says nothing
        }
        try (PreparedStatement ps = c.prepareOnce(UNLISTED_EXPIRIES);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                problems.add("plinth_expiry has no entry for key '" + rs.getString(2) + "' of namespace '"
                        + rs.getString(1) + "', which has an expiry: the sweeper would never reclaim it");
            }
        }
        return problems;
    }
}
