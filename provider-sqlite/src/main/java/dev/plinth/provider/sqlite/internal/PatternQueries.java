package dev.plinth.provider.sqlite.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Listing, counting and deleting the live keys a {@link KeyQuery} selects. A query whose range is empty runs
 * no SQL at all (its condition would otherwise select the whole namespace).
 */
final class PatternQueries {
    private PatternQueries() {}

    /** @return up to {@code limit} matching keys in key order */
    static List<String> keys(SqlConnection c, KeyQuery q, String ns, long now, long limit) throws SQLException {
        if (q.isEmpty()) {
            return List.of();
        }
        PreparedStatement ps = c.prepare(q.listSql());
        int i = q.bind(ps, 1, ns, now);
        ps.setLong(i, limit);
        List<String> keys = new ArrayList<>((int) Math.min(limit, 256));
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                keys.add(rs.getString(1));
            }
        }
        return keys;
    }

    static long count(SqlConnection c, KeyQuery q, String ns, long now) throws SQLException {
        if (q.isEmpty()) {
            return 0L;
        }
        PreparedStatement ps = c.prepare(q.countSql());
        q.bind(ps, 1, ns, now);
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Deletes exactly the rows {@link #keys} returns for the same query and time, in one statement. */
    static int delete(SqlConnection c, KeyQuery q, String ns, long now) throws SQLException {
        if (q.isEmpty()) {
            return 0;
        }
        PreparedStatement ps = c.prepare(q.deleteSql());
        q.bind(ps, 1, ns, now);
        return ps.executeUpdate();
    }
}
