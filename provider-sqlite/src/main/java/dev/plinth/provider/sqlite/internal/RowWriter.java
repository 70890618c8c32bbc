package dev.plinth.provider.sqlite.internal;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.Write;
import java.sql.SQLException;
import java.util.List;

/**
 * How rows of {@code plinth_kv} are written: puts, removes and new expiries, each logged as a change of the
 * write transaction (a SET's number is the key's new version) and reported after commit. Puts come in two
 * strategies, chosen once at open ({@link BackendOpener}) and never per call:
 * <ul>
 *   <li>{@link ReadingRowWriter}: reads what the key holds before writing it, for a scope with a quota
 *       (a new key must be counted);</li>
 *   <li>{@link SharedRowWriter}: for a file other processes share, without a quota: writes without
 *       reading first and logs its change, turning the logged {@code SET} into the {@code EXPIRE} of an
 *       expired row found in the way (their change log must get that {@code EXPIRE} before the {@code SET});</li>
 *   <li>{@link BlindRowWriter}: writes without reading first, one statement in the usual case. Only for an
 *       exclusive file without a quota, where nobody else reads the change order.</li>
 * </ul>
 * Everything else (a put whose caller read the row, a remove, a new expiry) is the same for both. Used
 * only under the writer lock, inside its transaction: not thread-safe.
 */
abstract sealed class RowWriter permits ReadingRowWriter, SharedRowWriter, BlindRowWriter {

    /**
     * A set: value, version and expiry replace whatever the key held; a new key is checked against the quota.
     *
     * @param ttlMillis a checked TTL, or {@link dev.plinth.spi.storage.StorageBackend#NO_EXPIRY}
     * @return the new version
     */
    abstract long set(WriteTx tx, Namespace ns, String key, byte[] value, long ttlMillis) throws SQLException;

    /**
     * The same set as one statement, for the writer to try when the set runs alone, outside a transaction
     * ({@link Writer#write(String, Writer.Work, Writer.Work)}).
     *
     * @return the work, which returns {@code null} having changed nothing when {@link #set} must run instead;
     *     or {@code null} when this strategy has no such statement
     */
    abstract Writer.Work<Long> setAlone(Namespace ns, String key, byte[] value, long ttlMillis);

    /**
     * Puts of distinct keys, each with a new expiry (no {@link Write#KEEP_EXPIRY}), as one batch; the same
     * outcome, quota and events as putting them one by one in order.
     *
     * @return the new versions, in the order of {@code puts}
     */
    abstract long[] putAll(WriteTx tx, Namespace ns, List<Write.Put> puts) throws SQLException;

    /**
     * Told of every expiry about to be written into a row of {@code ns} ({@code 0}: none), whatever writes it.
     * Nothing by default; {@link BlindRowWriter} remembers which scopes may hold an expired row.
     */
    void expiryWritten(String ns, long expiresAt) {}

    /**
     * Writes a key whose liveness the caller read (and, when new, counted against the quota). An expired row
     * it replaces is reported as reclaimed ({@code EXPIRE}) first, since the sweeper will never see that row.
     *
     * @param expiresAt the deadline, or 0 for none
     * @param isNew {@code true} when the key was absent or expired
     * @return the new version
     */
    final long putKnown(WriteTx tx, Namespace ns, String key, byte[] value, long expiresAt, boolean isNew)
            throws SQLException {
        if (isNew && KvTable.deleteExpired(tx.connection(), ns.path(), key, tx.now())) {
            tx.changed(ns, ChangeType.EXPIRE, key);
        }
        long version = tx.changed(ns, ChangeType.SET, key);
        expiryWritten(ns.path(), expiresAt);
        KvTable.upsert(tx.connection(), ns.path(), key, value, version, expiresAt);
        return version;
    }

    /** @return {@code true} when a live key was deleted (and a {@code DELETE} logged) */
    final boolean remove(WriteTx tx, Namespace ns, String key) throws SQLException {
        if (KvTable.deleteLive(tx.connection(), ns.path(), key, tx.now())) {
            tx.changed(ns, ChangeType.DELETE, key);
            return true;
        }
        return false;
    }

    /**
     * Gives a live key a new expiry, keeping value and version; logs no change.
     *
     * @param ttlMillis a checked TTL, or 0 for none
     * @return {@code true} when the key was live
     */
    final boolean expire(WriteTx tx, Namespace ns, String key, long ttlMillis) throws SQLException {
        long at = Durations.deadline(tx.now(), ttlMillis);
        expiryWritten(ns.path(), at);
        return KvTable.updateExpiry(tx.connection(), ns.path(), key, at, tx.now());
    }
}
