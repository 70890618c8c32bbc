package dev.plinth.provider.sqlite.internal;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.Write;
import java.sql.SQLException;
import java.util.List;

/**
 * The {@link RowWriter} of a file other processes share, without a quota: a set does not read the key's row
 * first. In its transaction it is two statements, the change-log row that numbers it ({@code INSERT ...
 * RETURNING seq}, see {@link SharedChangeLog}) and the upsert that leaves an expired row alone: with
 * {@code BEGIN IMMEDIATE} and {@code COMMIT}, four statements and two rows written, new key or not (a TTL
 * adds its due-list entry). Reading first cost one statement more for every set, and two more for a new key
 * (the reclaim of an expired row that was not there).
 *
 * <p>What the read was for: other processes take the change order from the log, so an expired row a set
 * replaces must be logged as reclaimed ({@code EXPIRE}) before that {@code SET}. Here the upsert finds out
 * instead, by changing nothing; only then (an expired row the sweeper has not reclaimed yet is in the way,
 * rare) the {@code SET} row just logged becomes that {@code EXPIRE}, keeping its number, the {@code SET} is
 * logged again with the next number and the row is written over. No other connection saw the transaction
 * and the numbers stay contiguous, so the log reads exactly as if the reclaim had been known first, and gap
 * detection is unaffected.
 *
 * <p>Batches read their rows first, as {@link ReadingRowWriter} does: one {@code IN} query per batch.
 */
final class SharedRowWriter extends RowWriter {
    private final ReadingRowWriter batches = new ReadingRowWriter(Quota.NONE);

    @Override
    long set(WriteTx tx, Namespace ns, String key, byte[] value, long ttlMillis) throws SQLException {
        long expiresAt = Durations.deadline(tx.now(), ttlMillis);
        int change = tx.changeCount();
        long version = tx.changed(ns, ChangeType.SET, key);
        if (KvTable.upsertOverLive(tx.connection(), ns.path(), key, value, version, expiresAt, tx.now())) {
            return version;
        }
        version = tx.reclaimedAt(change);
        KvTable.upsert(tx.connection(), ns.path(), key, value, version, expiresAt);
        return version;
    }

    /** @return {@code null}: the change-log row and the row are two statements, which need the transaction */
    @Override
    Writer.Work<Long> setAlone(Namespace ns, String key, byte[] value, long ttlMillis) {
        return null;
    }

    @Override
    long[] putAll(WriteTx tx, Namespace ns, List<Write.Put> puts) throws SQLException {
        return batches.putAll(tx, ns, puts);
    }
}
