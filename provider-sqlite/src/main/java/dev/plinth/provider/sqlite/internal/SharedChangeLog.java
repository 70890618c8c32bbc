package dev.plinth.provider.sqlite.internal;

import dev.plinth.api.plugin.InvalidPluginIdException;
import dev.plinth.api.storage.ChangeType;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.Namespace;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Delivers the changes other processes (other backends on the same file) commit, through the
 * {@code plinth_changes} table: every write transaction logs its changes there as it makes them, tagged
 * with its backend's origin id, and each backend reads the rows after the last sequence number it has seen.
 * The sequence number doubles as the database's version sequence (see {@link WriteTx}): a new row gets the
 * largest number + 1, and {@link #trim} never deletes the newest row, so numbers never repeat.
 *
 * <p>Ordering: a write transaction holds the database write lock, so the foreign rows committed before it
 * are exactly those between the last sequence number this backend saw and its own first row. Sequence
 * numbers are contiguous (a rolled-back row never existed), so when the transaction's first row
 * directly follows the last one seen there are none and nothing is read; otherwise they are read before
 * COMMIT. After COMMIT both are reported, foreign first. Between writes, {@link #poll} checks
 * {@code PRAGMA data_version} (which changes only when another connection commits) and reports new foreign
 * rows. Both run under the writer lock on the writer connection, so every change reaches the listener in
 * the database's commit order. Rows are trimmed by the sweeper after {@link #RETENTION_MILLIS}.
 */
final class SharedChangeLog implements ChangeLog {
    /** How long change rows are kept for backends that have not read them yet. */
    static final long RETENTION_MILLIS = 120_000;

    private static final String READ =
            "SELECT seq, origin, namespace, type, key FROM plinth_changes" + " WHERE seq > ? ORDER BY seq";
    private static final String APPEND =
            "INSERT INTO plinth_changes (origin, namespace, type, key, at)" + " VALUES (?, ?, ?, ?, ?) RETURNING seq";
    private static final String APPEND_NEXT =
            "INSERT INTO plinth_changes (origin, namespace, type, key, at)" + " VALUES (?, ?, ?, ?, ?)";
    private static final String RETYPE = "UPDATE plinth_changes SET type = ? WHERE seq = ?";
    // The newest row is never trimmed, so this is the last number handed out.
    private static final String LAST = "SELECT coalesce(max(seq), 0) FROM plinth_changes";
    // Never the newest row: the next number is the largest + 1, and it must stay above every one handed out.
    private static final String TRIM = "DELETE FROM plinth_changes WHERE seq IN"
            + " (SELECT seq FROM plinth_changes ORDER BY seq LIMIT 1000) AND at < ?"
            + " AND seq < (SELECT max(seq) FROM plinth_changes)";

    private final String origin = UUID.randomUUID().toString();
    private final List<Change> foreign = new ArrayList<>();
    /** Rows trimmed before this backend read them, found by the last read; reported with {@link #foreign}. */
    private long missed;

    private long lastSeq;
    private long readSeq;
    private long dataVersion;

    /** Starts after the changes already in the log: a new backend reports only later changes. */
    @Override
    public void start(SqlConnection c) throws SQLException {
        lastSeq = c.queryLong(LAST);
        dataVersion = c.queryLong("PRAGMA data_version");
    }

    /**
     * In a write transaction: logs one change of this backend.
     *
     * @return the change's sequence number
     */
    @Override
    public long append(SqlConnection c, Namespace ns, ChangeType type, String key, long now) throws SQLException {
        PreparedStatement ps = c.prepare(APPEND);
        ps.setString(1, origin);
        ps.setString(2, ns.path());
        ps.setString(3, type.name());
        ps.setString(4, key);
        ps.setLong(5, now);
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("INSERT INTO plinth_changes returned no sequence number");
            }
            return rs.getLong(1);
        }
    }

    /**
     * In a write transaction: logs several changes of this backend in one namespace, the first with
     * RETURNING and the rest as one JDBC batch. The transaction holds the database write lock, so they are
     * numbered consecutively.
     *
     * @return the first change's sequence number; change {@code i} has that number plus {@code i}
     */
    @Override
    public long appendAll(SqlConnection c, Namespace ns, ChangeType[] types, String[] keys, long now)
            throws SQLException {
        long first = append(c, ns, types[0], keys[0], now);
        if (types.length > 1) {
            PreparedStatement ps = c.prepare(APPEND_NEXT);
            try {
                for (int i = 1; i < types.length; i++) {
                    ps.setString(1, origin);
                    ps.setString(2, ns.path());
                    ps.setString(3, types[i].name());
                    ps.setString(4, keys[i]);
                    ps.setLong(5, now);
                    ps.addBatch();
                }
                ps.executeBatch();
            } finally {
                ps.clearBatch();
            }
        }
        return first;
    }

    @Override
    public void retype(SqlConnection c, long seq, ChangeType type) throws SQLException {
        PreparedStatement ps = c.prepare(RETYPE);
        ps.setString(1, type.name());
        ps.setLong(2, seq);
        if (ps.executeUpdate() != 1) {
            throw new SQLException("plinth_changes has no row " + seq + " of this transaction to change");
        }
    }

    @Override
    public boolean sharedWithOtherProcesses() {
        return true;
    }

    /**
     * In a write transaction, before COMMIT: collects the foreign changes committed before this
     * transaction, whose first own change has sequence number {@code firstOwn}.
     */
    @Override
    public void beforeCommit(SqlConnection c, long firstOwn) throws SQLException {
        if (firstOwn != lastSeq + 1) {
            readForeign(c);
        }
    }

    /** After COMMIT: reports the foreign changes that came before ours. */
    @Override
    public void publishForeign(ChangeListener listener) {
        if (missed > 0) {
            // Before the changes that follow the hole, so a watcher that re-reads on it misses nothing after.
            listener.onChangesMissed(missed + " changes by other processes on the SQLite file were trimmed "
                    + "from plinth_changes (kept " + RETENTION_MILLIS + " ms) before this process read them");
            missed = 0;
        }
        WriteTx.publish(listener, foreign);
        foreign.clear();
    }

    /** After COMMIT and reporting: everything up to our last own row, {@code lastOwn}, is seen. */
    @Override
    public void committed(long lastOwn) {
        lastSeq = Math.max(lastSeq, lastOwn);
    }

    /** The transaction rolled back: forget what it read; the next poll or write reads it again. */
    @Override
    public void abort() {
        foreign.clear();
        missed = 0;
        readSeq = lastSeq;
    }

    /** Outside any transaction, under the writer lock: reports foreign changes committed since last time. */
    @Override
    public void poll(SqlConnection c, ChangeListener listener) throws SQLException {
        long dv = c.queryLong("PRAGMA data_version");
        if (dv == dataVersion) {
            return;
        }
        dataVersion = dv;
        readForeign(c);
        publishForeign(listener);
        lastSeq = readSeq;
    }

    private void readForeign(SqlConnection c) throws SQLException {
        PreparedStatement ps = c.prepare(READ);
        ps.setLong(1, lastSeq);
        long seq = lastSeq;
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long s = rs.getLong(1);
                if (seq == lastSeq && s > seq + 1) {
                    // Sequence numbers are contiguous (a rolled-back row never existed): a hole
                    // means rows were trimmed before this backend read them.
                    missed = s - seq - 1;
                    SqliteStorageBackend.LOG.warn(
                            "Missed {} changes made by other processes (kept {} ms, then "
                                    + "trimmed); watchers get an OVERFLOW event to re-read",
                            missed,
                            RETENTION_MILLIS);
                }
                seq = s;
                if (!origin.equals(rs.getString(2))) {
                    add(s, rs.getString(3), rs.getString(4), rs.getString(5));
                }
            }
        }
        readSeq = seq;
    }

    private void add(long seq, String ns, String type, String key) {
        if (Schema.MARK.equals(type)) {
            return;
        }
        try {
            foreign.add(new Change(seq, Namespace.parse(ns), ChangeType.valueOf(type), key));
        } catch (InvalidPluginIdException | IllegalArgumentException e) {
            SqliteStorageBackend.LOG.debug("Ignored unreadable change row {} {} {}", ns, type, key);
        }
    }

    /** Deletes change rows older than the retention, oldest first, in bounded statements. */
    static void trim(SqlConnection c, long now) throws SQLException {
        PreparedStatement ps = c.prepare(TRIM);
        ps.setLong(1, now - RETENTION_MILLIS);
        while (ps.executeUpdate() == 1000) {
            ps.clearParameters();
            ps.setLong(1, now - RETENTION_MILLIS);
        }
    }
}
