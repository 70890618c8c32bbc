package dev.plinth.provider.sqlite.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One JDBC connection with its prepared statements kept for reuse. Used by one thread at a time (the
 * writer lock or the read pool guarantees it), so the cache needs no synchronisation. Callers close
 * every ResultSet they open: an open one would pin an old WAL snapshot.
 *
 * <p>sqlite-jdbc finalizes a statement whose step failed with anything but busy, locked, misuse or a
 * constraint (a full disk, an I/O error, corruption): it then throws "statement is not executing" on every
 * later use. A cached statement would carry one failure into every later call, so the owner of the
 * connection calls {@link #discardStatements()} after a failure, and {@link #prepare} never hands out a
 * closed statement.
 */
final class SqlConnection implements AutoCloseable {
    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    SqlConnection(Connection connection) {
        this.connection = connection;
    }

    /** @return a cached prepared statement for {@code sql}, which must be one of a bounded set of texts */
    PreparedStatement prepare(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null || ps.isClosed()) {
            ps = connection.prepareStatement(sql);
            statements.put(sql, ps);
        }
        return ps;
    }

    /** @return a statement for one use (texts that vary, such as IN lists); the caller closes it */
    PreparedStatement prepareOnce(String sql) throws SQLException {
        return connection.prepareStatement(sql);
    }

    /** Starts a write transaction, taking the database's write lock now (waiting up to busy_timeout). */
    void beginImmediate() throws SQLException {
        prepare("BEGIN IMMEDIATE").execute();
    }

    /** Starts a read transaction: the following reads see one snapshot. */
    void beginRead() throws SQLException {
        prepare("BEGIN").execute();
    }

    void commit() throws SQLException {
        prepare("COMMIT").execute();
    }

    void execute(String sql) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute(sql);
        }
    }

    /** @return the first column of the first row as a long, 0 when there is no row */
    long queryLong(String sql) throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0L;
        }
    }

    /** @return the first column of the first row as text, {@code null} when there is no row */
    String queryString(String sql) throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /**
     * Adds the first column of every row, as text, to {@code out} as the rows come, so that the rows read
     * before a failure are kept.
     */
    void queryStrings(String sql, List<String> out) throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
    }

    /** Ends the current transaction without applying it; harmless when none is active. */
    void rollbackQuietly() {
        try {
            execute("ROLLBACK");
        } catch (SQLException ignored) {
            // No transaction was active (SQLite may already have rolled back), or the connection is gone.
        }
    }

    /**
     * Closes and forgets every cached statement, so that the next use prepares fresh ones. Called after a
     * failure, which may have left a statement finalized or mid-step; costs a prepare per statement
     * afterwards, and only then.
     */
    void discardStatements() {
        for (PreparedStatement ps : statements.values()) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // Already unusable, which is why it goes.
            }
        }
        statements.clear();
    }

    @Override
    public void close() {
        discardStatements();
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Nothing more to release.
        }
    }
}
