package dev.plinth.provider.sqlite.internal;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Locks in {@code plinth_locks}, apart from data keys. Each operation is one statement inside a write
 * transaction, so a lock is exclusive across every connection and process using the file.
 */
final class LockTable {
    private static final String TAKE = "INSERT INTO plinth_locks (namespace, name, token, lease_until)"
            + " VALUES (?, ?, ?, ?) ON CONFLICT (namespace, name) DO UPDATE SET token = excluded.token,"
            + " lease_until = excluded.lease_until WHERE plinth_locks.lease_until <= ?";
    private static final String RENEW = "UPDATE plinth_locks SET lease_until = ?"
            + " WHERE namespace = ? AND name = ? AND token = ? AND lease_until > ?";
    private static final String RELEASE = "DELETE FROM plinth_locks WHERE namespace = ? AND name = ? AND token = ?";
    private static final String PURGE = "DELETE FROM plinth_locks WHERE lease_until <= ?";

    private LockTable() {}

    /** @return {@code true} when the lock was free or its lease had lapsed, and is now held by token */
    static boolean take(SqlConnection c, String ns, String name, String token, long leaseUntil, long now)
            throws SQLException {
        PreparedStatement ps = c.prepare(TAKE);
        ps.setString(1, ns);
        ps.setString(2, name);
        ps.setString(3, token);
        ps.setLong(4, leaseUntil);
        ps.setLong(5, now);
        return ps.executeUpdate() > 0;
    }

    /** @return {@code true} when token still held the lock (lease not lapsed) and it was extended */
    static boolean renew(SqlConnection c, String ns, String name, String token, long leaseUntil, long now)
            throws SQLException {
        PreparedStatement ps = c.prepare(RENEW);
        ps.setLong(1, leaseUntil);
        ps.setString(2, ns);
        ps.setString(3, name);
        ps.setString(4, token);
        ps.setLong(5, now);
        return ps.executeUpdate() > 0;
    }

    /** @return {@code true} when token held the lock and it was released */
    static boolean release(SqlConnection c, String ns, String name, String token) throws SQLException {
        PreparedStatement ps = c.prepare(RELEASE);
        ps.setString(1, ns);
        ps.setString(2, name);
        ps.setString(3, token);
        return ps.executeUpdate() > 0;
    }

    /** Removes locks whose lease lapsed (their holders stopped renewing, e.g. crashed). */
    static int purgeLapsed(SqlConnection c, long now) throws SQLException {
        PreparedStatement ps = c.prepare(PURGE);
        ps.setLong(1, now);
        return ps.executeUpdate();
    }
}
