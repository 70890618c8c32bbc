package dev.plinth.provider.sqlite.internal;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.Namespace;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The {@link ChangeLog} of an {@code exclusive=true} backend: no other process reads the file, so changes
 * are numbered in memory and nothing is logged per write. So that numbers still never repeat, across
 * restarts and a later switch back to sharing, the backend reserves them in blocks: a {@link Schema#MARK}
 * row in {@code plinth_changes} records the highest number reserved, and every backend of either mode
 * starts above the highest row. A block costs one row once per {@link #BLOCK} changes, written in the
 * transaction that needs it; a restart skips the rest of its block. Drawn outside a transaction (the
 * writer's one-statement path), the reservation commits by itself before the write; if the write then fails,
 * the reservation only raised the floor, which costs nothing but numbers.
 */
final class LocalSequence implements ChangeLog {
    /** Numbers reserved at a time. Even a restart per block leaves 2^43 restarts before 2^63. */
    static final long BLOCK = 1L << 20;

    private static final String LAST = "SELECT coalesce(max(seq), 0) FROM plinth_changes";
    private static final String RESERVE = "INSERT INTO plinth_changes (seq, origin, namespace, type, key, at)"
            + " VALUES (?, '', '', '" + Schema.MARK + "', NULL, 0)";

    private final long block;
    /** The next number to hand out. */
    private long next;
    /** The highest number reserved in the database (committed). */
    private long reserved;
    /** A reservation made by the transaction in progress, 0 when none. */
    private long pendingReserved;
    /** {@link #next} when the transaction in progress drew its first number, -1 when it drew none. */
    private long nextAtTxStart = -1;

    LocalSequence() {
        this(BLOCK);
    }

    /** @param block numbers reserved at a time (tests use small blocks to cross block boundaries) */
    LocalSequence(long block) {
        if (block < 1) {
            throw new IllegalArgumentException("block must be positive, was " + block);
        }
        this.block = block;
    }

    @Override
    public void start(SqlConnection c) throws SQLException {
        c.beginImmediate();
        boolean committed = false;
        try {
            long last = c.queryLong(LAST);
            reserve(c, last + block);
            c.commit();
            committed = true;
            next = last + 1;
            reserved = last + block;
        } finally {
            if (!committed) {
                c.rollbackQuietly();
            }
        }
    }

    @Override
    public long append(SqlConnection c, Namespace ns, ChangeType type, String key, long now) throws SQLException {
        return draw(c, 1);
    }

    @Override
    public long appendAll(SqlConnection c, Namespace ns, ChangeType[] types, String[] keys, long now)
            throws SQLException {
        return draw(c, types.length);
    }

    private long draw(SqlConnection c, int count) throws SQLException {
        if (nextAtTxStart < 0) {
            nextAtTxStart = next;
        }
        long first = next;
        long last = first + count - 1;
        long limit = Math.max(reserved, pendingReserved);
        if (last > limit) {
            long upTo = last + block;
            reserve(c, upTo);
            pendingReserved = upTo;
        }
        next = last + 1;
        return first;
    }

    private static void reserve(SqlConnection c, long upTo) throws SQLException {
        PreparedStatement ps = c.prepare(RESERVE);
        ps.setLong(1, upTo);
        ps.executeUpdate();
    }

    /** Nothing to change: no change is logged, only numbered. */
    @Override
    public void retype(SqlConnection c, long seq, ChangeType type) {}

    @Override
    public boolean sharedWithOtherProcesses() {
        return false;
    }

    @Override
    public void beforeCommit(SqlConnection c, long firstOwn) {
        // Nothing to read: no other process writes this file.
    }

    @Override
    public void publishForeign(ChangeListener listener) {
        // No other process writes this file.
    }

    @Override
    public void committed(long lastOwn) {
        if (pendingReserved > 0) {
            reserved = pendingReserved;
            pendingReserved = 0;
        }
        nextAtTxStart = -1;
    }

    /** The numbers and the reservation rolled back with the transaction; nobody saw them, so reuse them. */
    @Override
    public void abort() {
        if (nextAtTxStart >= 0) {
            next = nextAtTxStart;
            nextAtTxStart = -1;
        }
        pendingReserved = 0;
    }

    @Override
    public void poll(SqlConnection c, ChangeListener listener) {
        // No other process writes this file.
    }
}
