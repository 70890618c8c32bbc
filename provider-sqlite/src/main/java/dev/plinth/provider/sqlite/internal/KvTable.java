package dev.plinth.provider.sqlite.internal;

import dev.plinth.spi.storage.BackendEntry;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The SQL for single rows of {@code plinth_kv}. Every read filters expired rows with
 * {@code expires_at = 0 OR expires_at > now}, so an expired key is absent before the sweeper reclaims it.
 * Keys and namespaces are always bound parameters. Every method that writes a row with an expiry also
 * writes its entry in the sweeper's due list, {@code plinth_expiry} (see {@link Schema}), in the caller's
 * transaction: a write without an expiry touches nothing but its row.
 */
final class KvTable {
    /** Keys per IN list; well under SQLite's 32766 bound parameters. */
    static final int IN_CHUNK = 128;
    /** Placeholders of the IN list used for up to this many keys. */
    static final int IN_SMALL = 16;

    private static final String LIVE = " AND (expires_at = 0 OR expires_at > ?)";
    private static final String SELECT_ENTRY =
            "SELECT value, version, expires_at FROM plinth_kv WHERE namespace = ? AND key = ?" + LIVE;
    private static final String SELECT_VERSION = "SELECT version FROM plinth_kv WHERE namespace = ? AND key = ?" + LIVE;
    private static final String UPSERT =
            "INSERT INTO plinth_kv (namespace, key, value, version, expires_at) VALUES (?, ?, ?, ?, ?)"
                    + " ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value,"
                    + " version = excluded.version, expires_at = excluded.expires_at";
    /** Where no expired row can be in the way (see ExpiringNamespaces): cheaper for SQLite than the upsert. */
    private static final String REPLACE =
            "INSERT OR REPLACE INTO plinth_kv (namespace, key, value, version, expires_at) VALUES (?, ?, ?, ?, ?)";
    /** The upsert that leaves an expired row alone (no change): the caller reclaims it and reports that first. */
    private static final String UPSERT_OVER_LIVE =
            UPSERT + " WHERE plinth_kv.expires_at = 0 OR plinth_kv.expires_at > ?";

    private static final String DELETE_EXPIRED =
            "DELETE FROM plinth_kv WHERE namespace = ? AND key = ? AND expires_at > 0 AND expires_at <= ?";
    private static final String DELETE_LIVE = "DELETE FROM plinth_kv WHERE namespace = ? AND key = ?" + LIVE;
    private static final String UPDATE_EXPIRY =
            "UPDATE plinth_kv SET expires_at = ? WHERE namespace = ? AND key = ?" + LIVE;
    private static final String COUNT_LIVE_UP_TO =
            "SELECT count(*) FROM (SELECT 1 FROM plinth_kv" + " WHERE namespace = ?" + LIVE + " LIMIT ?)";
    private static final String[] SELECT_ENTRIES_IN =
            inListSql("SELECT key, value, version, expires_at FROM plinth_kv", LIVE);
    private static final String[] SELECT_EXPIRIES_IN = inListSql("SELECT key, expires_at FROM plinth_kv", "");
    private static final String DUE = "INSERT INTO plinth_expiry (namespace, key, expires_at) VALUES (?, ?, ?)"
            + " ON CONFLICT (namespace, key) DO UPDATE SET expires_at = excluded.expires_at";
    private static final String CLEAR = "DELETE FROM plinth_kv WHERE namespace = ?";
    private static final String CLEAR_DUE = "DELETE FROM plinth_expiry WHERE namespace = ?";

    private KvTable() {}

    static BackendEntry find(SqlConnection c, String ns, String key, long now) throws SQLException {
        PreparedStatement ps = c.prepare(SELECT_ENTRY);
        ps.setString(1, ns);
        ps.setString(2, key);
        ps.setLong(3, now);
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            return new BackendEntry(key, bytes(rs.getBytes(1)), rs.getLong(2), rs.getLong(3));
        }
    }

    /** @return the live version, or 0 when the key is absent or expired */
    static long liveVersion(SqlConnection c, String ns, String key, long now) throws SQLException {
        PreparedStatement ps = c.prepare(SELECT_VERSION);
        ps.setString(1, ns);
        ps.setString(2, key);
        ps.setLong(3, now);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0L;
        }
    }

    /** Reads the live entries among {@code keys}, in chunks; the caller provides snapshot consistency. */
    static List<BackendEntry> findAll(SqlConnection c, String ns, Collection<String> keys, long now)
            throws SQLException {
        List<BackendEntry> out = new ArrayList<>(keys.size());
        forChunks(
                c,
                SELECT_ENTRIES_IN,
                ns,
                keys,
                now,
                rs -> out.add(new BackendEntry(rs.getString(1), bytes(rs.getBytes(2)), rs.getLong(3), rs.getLong(4))));
        return out;
    }

    /**
     * @return the expiry ({@code expires_at}, 0 = never) of every row among {@code keys}, live or expired
     *     but not yet reclaimed; absent keys have no entry
     */
    static Map<String, Long> rowExpiries(SqlConnection c, String ns, Collection<String> keys) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        forChunks(c, SELECT_EXPIRIES_IN, ns, keys, null, rs -> out.put(rs.getString(1), rs.getLong(2)));
        return out;
    }

    @FunctionalInterface
    private interface RowSink {
        void accept(ResultSet rs) throws SQLException;
    }

    /**
     * Runs {@code sqlPrefix} + an IN list over the keys, in chunks. A short list is padded to
     * {@link #IN_SMALL} placeholders and a long one cut into chunks of {@link #IN_CHUNK}, padding repeats the
     * chunk's last key (IN ignores duplicates): the statement texts stay two, prepared once per connection,
     * instead of one text to prepare for every list length.
     */
    private static void forChunks(
            SqlConnection c, String[] sqlBySize, String ns, Collection<String> keys, Long now, RowSink sink)
            throws SQLException {
        Iterator<String> it = keys.iterator();
        int remaining = keys.size();
        while (remaining > 0) {
            int n = Math.min(remaining, IN_CHUNK);
            remaining -= n;
            boolean small = n <= IN_SMALL;
            int slots = small ? IN_SMALL : IN_CHUNK;
            PreparedStatement ps = c.prepare(sqlBySize[small ? 0 : 1]);
            ps.setString(1, ns);
            String key = null;
            for (int i = 0; i < slots; i++) {
                if (i < n) {
                    key = it.next();
                }
                ps.setString(2 + i, key);
            }
            if (now != null) {
                ps.setLong(2 + slots, now);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sink.accept(rs);
                }
            }
        }
    }

    private static String[] inListSql(String head, String tail) {
        return new String[] {inListSql(head, IN_SMALL, tail), inListSql(head, IN_CHUNK, tail)};
    }

    private static String inListSql(String head, int slots, String tail) {
        StringBuilder sql = new StringBuilder(head).append(" WHERE namespace = ? AND key IN (");
        for (int i = 0; i < slots; i++) {
            sql.append(i == 0 ? "?" : ",?");
        }
        return sql.append(')').append(tail).toString();
    }

    static void upsert(SqlConnection c, String ns, String key, byte[] value, long version, long expiresAt)
            throws SQLException {
        writeRow(c, UPSERT, ns, key, value, version, expiresAt);
    }

    /**
     * Inserts the key or replaces its live row, in one statement.
     *
     * @return {@code false}, having changed nothing, when an expired row not yet reclaimed is in the way
     */
    static boolean upsertOverLive(
            SqlConnection c, String ns, String key, byte[] value, long version, long expiresAt, long now)
            throws SQLException {
        PreparedStatement ps = c.prepare(UPSERT_OVER_LIVE);
        bindRow(ps, ns, key, value, version, expiresAt);
        ps.setLong(6, now);
        if (ps.executeUpdate() == 0) {
            return false;
        }
        due(c, ns, key, expiresAt);
        return true;
    }

    /** Writes the row whatever the key held; only where no expired row can be in the way. */
    static void replace(SqlConnection c, String ns, String key, byte[] value, long version, long expiresAt)
            throws SQLException {
        writeRow(c, REPLACE, ns, key, value, version, expiresAt);
    }

    /** Runs {@link #UPSERT} or {@link #REPLACE} for one row, and lists it as due when it has an expiry. */
    private static void writeRow(
            SqlConnection c, String sql, String ns, String key, byte[] value, long version, long expiresAt)
            throws SQLException {
        PreparedStatement ps = c.prepare(sql);
        bindRow(ps, ns, key, value, version, expiresAt);
        ps.executeUpdate();
        due(c, ns, key, expiresAt);
    }

    /** {@link #replace} for many keys, as one JDBC batch. */
    static void replaceAll(SqlConnection c, String ns, String[] keys, byte[][] values, long[] versions, long[] expiries)
            throws SQLException {
        upsertBatch(c.prepare(REPLACE), ns, keys, values, versions, expiries, null);
        dueAll(c, ns, keys, expiries, null);
    }

    /** Writes {@code keys[i]} with {@code values[i]}, {@code versions[i]}, {@code expiries[i]} as one JDBC batch. */
    static void upsertAll(SqlConnection c, String ns, String[] keys, byte[][] values, long[] versions, long[] expiries)
            throws SQLException {
        upsertBatch(c.prepare(UPSERT), ns, keys, values, versions, expiries, null);
        dueAll(c, ns, keys, expiries, null);
    }

    /**
     * {@link #upsertOverLive} for many keys, as one JDBC batch.
     *
     * @return per key, {@code false} where an expired row not yet reclaimed was left in the way
     */
    static boolean[] upsertAllOverLive(
            SqlConnection c, String ns, String[] keys, byte[][] values, long[] versions, long[] expiries, long now)
            throws SQLException {
        int[] counts = upsertBatch(c.prepare(UPSERT_OVER_LIVE), ns, keys, values, versions, expiries, now);
        boolean[] written = new boolean[keys.length];
        for (int i = 0; i < written.length; i++) {
            written[i] = counts[i] > 0;
        }
        dueAll(c, ns, keys, expiries, written);
        return written;
    }

    /** Lists the row in the sweeper's due list when it has an expiry; a row without one needs no entry. */
    private static void due(SqlConnection c, String ns, String key, long expiresAt) throws SQLException {
        if (expiresAt == 0L) {
            return;
        }
        PreparedStatement ps = c.prepare(DUE);
        ps.setString(1, ns);
        ps.setString(2, key);
        ps.setLong(3, expiresAt);
        ps.executeUpdate();
    }

    /** {@link #due} for the rows of a batch that were written ({@code written} null: all) with an expiry. */
    private static void dueAll(SqlConnection c, String ns, String[] keys, long[] expiries, boolean[] written)
            throws SQLException {
        PreparedStatement ps = null;
        try {
            for (int i = 0; i < keys.length; i++) {
                if (expiries[i] != 0L && (written == null || written[i])) {
                    if (ps == null) {
                        ps = c.prepare(DUE);
                    }
                    ps.setString(1, ns);
                    ps.setString(2, keys[i]);
                    ps.setLong(3, expiries[i]);
                    ps.addBatch();
                }
            }
            if (ps != null) {
                ps.executeBatch();
            }
        } finally {
            if (ps != null) {
                ps.clearBatch();
            }
        }
    }

    private static int[] upsertBatch(
            PreparedStatement ps, String ns, String[] keys, byte[][] values, long[] versions, long[] expiries, Long now)
            throws SQLException {
        try {
            for (int i = 0; i < keys.length; i++) {
                bindRow(ps, ns, keys[i], values[i], versions[i], expiries[i]);
                if (now != null) {
                    ps.setLong(6, now);
                }
                ps.addBatch();
            }
            return ps.executeBatch();
        } finally {
            ps.clearBatch();
        }
    }

    /** Binds the five parameters of a row: {@link #UPSERT}, {@link #UPSERT_OVER_LIVE}, {@link #REPLACE}. */
    private static void bindRow(PreparedStatement ps, String ns, String key, byte[] value, long version, long expiresAt)
            throws SQLException {
        ps.setString(1, ns);
        ps.setString(2, key);
        ps.setBytes(3, value);
        ps.setLong(4, version);
        ps.setLong(5, expiresAt);
    }

    /** @return {@code true} when a live row was deleted */
    static boolean deleteLive(SqlConnection c, String ns, String key, long now) throws SQLException {
        PreparedStatement ps = c.prepare(DELETE_LIVE);
        ps.setString(1, ns);
        ps.setString(2, key);
        ps.setLong(3, now);
        return ps.executeUpdate() > 0;
    }

    /** @return {@code true} when an expired, not yet reclaimed row of the key was deleted */
    static boolean deleteExpired(SqlConnection c, String ns, String key, long now) throws SQLException {
        PreparedStatement ps = c.prepare(DELETE_EXPIRED);
        ps.setString(1, ns);
        ps.setString(2, key);
        ps.setLong(3, now);
        return ps.executeUpdate() > 0;
    }

    /** @return {@code true} when the key was live */
    static boolean updateExpiry(SqlConnection c, String ns, String key, long expiresAt, long now) throws SQLException {
        PreparedStatement ps = c.prepare(UPDATE_EXPIRY);
        ps.setLong(1, expiresAt);
        ps.setString(2, ns);
        ps.setString(3, key);
        ps.setLong(4, now);
        if (ps.executeUpdate() == 0) {
            return false;
        }
        due(c, ns, key, expiresAt);
        return true;
    }

    /** @return the live keys of the namespace, counting no further than {@code limit} */
    static long countLiveUpTo(SqlConnection c, String ns, long now, long limit) throws SQLException {
        PreparedStatement ps = c.prepare(COUNT_LIVE_UP_TO);
        ps.setString(1, ns);
        ps.setLong(2, now);
        ps.setLong(3, limit);
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Deletes every row of the namespace, expired or not, in one statement, and its sweeper entries, which
     * would otherwise wait until they fall due.
     */
    static int clear(SqlConnection c, String ns) throws SQLException {
        PreparedStatement due = c.prepare(CLEAR_DUE);
        due.setString(1, ns);
        due.executeUpdate();
        PreparedStatement ps = c.prepare(CLEAR);
        ps.setString(1, ns);
        return ps.executeUpdate();
    }

    /** sqlite-jdbc may hand back {@code null} for a zero-length BLOB. */
    private static byte[] bytes(byte[] b) {
        return b == null ? new byte[0] : b;
    }
}
