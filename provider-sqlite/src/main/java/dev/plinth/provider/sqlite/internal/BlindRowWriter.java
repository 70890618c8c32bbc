package dev.plinth.provider.sqlite.internal;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.Write;
import java.sql.SQLException;
import java.util.List;

/**
 * The {@link RowWriter} that puts without reading first: only for an exclusive file without a quota, where
 * no other process reads the change order, so a put need not know beforehand whether an expired row is in
 * its way. The upsert that leaves an expired row alone says so by changing nothing; only then is that row
 * reclaimed and its {@code EXPIRE} reported before the {@code SET}. In a scope where no row can have an
 * expiry ({@link ExpiringNamespaces}) the put is a plain {@code INSERT OR REPLACE}, cheaper still. A set
 * without a TTL that runs alone is that one statement outside any transaction.
 */
final class BlindRowWriter extends RowWriter {
    private final ExpiringNamespaces expiring;

    /** @param expiring the scopes that may hold a row with an expiry, loaded from the file at open */
    BlindRowWriter(ExpiringNamespaces expiring) {
        this.expiring = expiring;
    }

    @Override
    void expiryWritten(String ns, long expiresAt) {
        expiring.writing(ns, expiresAt);
    }

    @Override
    long set(WriteTx tx, Namespace ns, String key, byte[] value, long ttlMillis) throws SQLException {
        long expiresAt = Durations.deadline(tx.now(), ttlMillis);
        long version = tx.changed(ns, ChangeType.SET, key);
        if (!writeOverLive(tx, ns, key, value, version, expiresAt)) {
            reclaimAndPut(tx, ns, key, value, version, expiresAt, tx.changeCount() - 1);
        }
        return version;
    }

    /**
     * {@link #set} as one statement, for the writer to run by itself outside a transaction. Its change number
     * is drawn in memory ({@link LocalSequence}), so the statement is the only thing that writes.
     */
    @Override
    Writer.Work<Long> setAlone(Namespace ns, String key, byte[] value, long ttlMillis) {
        if (ttlMillis != StorageBackend.NO_EXPIRY) {
            // Two statements, the row and its due-list entry: they need the transaction.
            return null;
        }
        return tx -> {
            long version = tx.changed(ns, ChangeType.SET, key);
            return writeOverLive(tx, ns, key, value, version, StorageBackend.NO_EXPIRY) ? version : null;
        };
    }

    @Override
    long[] putAll(WriteTx tx, Namespace ns, List<Write.Put> puts) throws SQLException {
        String nsPath = ns.path();
        int n = puts.size();
        String[] keys = new String[n];
        byte[][] values = new byte[n][];
        long[] versions = new long[n];
        long[] expiries = new long[n];
        ChangeType[] types = new ChangeType[n];
        boolean replace = !expiring.mayHoldExpiring(nsPath);
        for (int i = 0; i < n; i++) {
            Write.Put put = puts.get(i);
            keys[i] = put.key();
            values[i] = put.value();
            expiries[i] = Durations.deadline(tx.now(), put.ttlMillis());
            expiring.writing(nsPath, expiries[i]);
            types[i] = ChangeType.SET;
        }
        int firstChange = tx.changeCount();
        long first = tx.changedAll(ns, types, keys);
        for (int i = 0; i < n; i++) {
            versions[i] = first + i;
        }
        if (replace) {
            KvTable.replaceAll(tx.connection(), nsPath, keys, values, versions, expiries);
            return versions;
        }
        boolean[] written =
                KvTable.upsertAllOverLive(tx.connection(), nsPath, keys, values, versions, expiries, tx.now());
        // Backwards, so inserting a reclaim before a SET leaves the earlier SETs' positions as they were.
        for (int i = n - 1; i >= 0; i--) {
            if (!written[i]) {
                reclaimAndPut(tx, ns, keys[i], values[i], versions[i], expiries[i], firstChange + i);
            }
        }
        return versions;
    }

    /**
     * Writes the row in one statement: {@code INSERT OR REPLACE} where no row of the scope can have an
     * expiry, else the upsert that leaves an expired row alone.
     *
     * @return {@code false}, having written nothing, when an expired row is in the way
     */
    private boolean writeOverLive(WriteTx tx, Namespace ns, String key, byte[] value, long version, long expiresAt)
            throws SQLException {
        String nsPath = ns.path();
        boolean replace = !expiring.mayHoldExpiring(nsPath);
        expiring.writing(nsPath, expiresAt);
        if (replace) {
            KvTable.replace(tx.connection(), nsPath, key, value, version, expiresAt);
            return true;
        }
        return KvTable.upsertOverLive(tx.connection(), nsPath, key, value, version, expiresAt, tx.now());
    }

    /** The rare case: an expired row was in the way; reclaim it, report it before the SET, then put. */
    private static void reclaimAndPut(
            WriteTx tx, Namespace ns, String key, byte[] value, long version, long expiresAt, int setChangeIndex)
            throws SQLException {
        KvTable.deleteExpired(tx.connection(), ns.path(), key, tx.now());
        tx.reclaimedBefore(setChangeIndex, ns, key);
        KvTable.upsert(tx.connection(), ns.path(), key, value, version, expiresAt);
    }
}
