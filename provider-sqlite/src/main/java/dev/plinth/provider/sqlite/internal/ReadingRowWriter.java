package dev.plinth.provider.sqlite.internal;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.spi.storage.Expiry;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.Write;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The {@link RowWriter} that reads a key's row before writing it: for a scope with a quota, where a new key
 * is counted, on a shared or an exclusive file. A reclaimed expired row's {@code EXPIRE} is logged before
 * the {@code SET} that replaces it, as a shared change log needs. A set is its read, the reclaim of an
 * expired row when the key is not live, its change-log row and its upsert in a transaction; a batch reads
 * all its rows with one {@code IN} query and writes the change log and the rows as JDBC batches (the way
 * {@link SharedRowWriter} writes batches too).
 */
final class ReadingRowWriter extends RowWriter {
    private final Quota quota;

    ReadingRowWriter(Quota quota) {
        this.quota = quota;
    }

    @Override
    long set(WriteTx tx, Namespace ns, String key, byte[] value, long ttlMillis) throws SQLException {
        boolean isNew = KvTable.liveVersion(tx.connection(), ns.path(), key, tx.now()) == 0L;
        if (isNew) {
            quota.tally(tx, ns.path()).adding(key);
        }
        return putKnown(tx, ns, key, value, Durations.deadline(tx.now(), ttlMillis), isNew);
    }

    /** @return {@code null}: a read before the write needs the transaction */
    @Override
    Writer.Work<Long> setAlone(Namespace ns, String key, byte[] value, long ttlMillis) {
        return null;
    }

    @Override
    long[] putAll(WriteTx tx, Namespace ns, List<Write.Put> puts) throws SQLException {
        String nsPath = ns.path();
        long now = tx.now();
        int n = puts.size();
        String[] keys = new String[n];
        for (int i = 0; i < n; i++) {
            keys[i] = puts.get(i).key();
        }
        Map<String, Long> rows = KvTable.rowExpiries(tx.connection(), nsPath, Arrays.asList(keys));
        boolean[] expired = new boolean[n];
        int reclaimed = 0;
        Quota.Tally tally = quota.tally(tx, nsPath);
        for (int i = 0; i < n; i++) {
            Long expiry = rows.get(keys[i]);
            expired[i] = expiry != null && !Expiry.isLive(expiry, now);
            if (expired[i]) {
                reclaimed++;
            }
            if (expiry == null || expired[i]) {
                tally.adding(keys[i]);
            }
        }
        // An expired row a put replaces is reported as reclaimed just before its SET, as putKnown does.
        ChangeType[] types = new ChangeType[n + reclaimed];
        String[] logged = new String[n + reclaimed];
        int[] setIndex = new int[n];
        int j = 0;
        for (int i = 0; i < n; i++) {
            if (expired[i]) {
                types[j] = ChangeType.EXPIRE;
                logged[j++] = keys[i];
            }
            setIndex[i] = j;
            types[j] = ChangeType.SET;
            logged[j++] = keys[i];
        }
        long first = tx.changedAll(ns, types, logged);
        byte[][] values = new byte[n][];
        long[] versions = new long[n];
        long[] expiries = new long[n];
        for (int i = 0; i < n; i++) {
            Write.Put put = puts.get(i);
            values[i] = put.value();
            versions[i] = first + setIndex[i];
            expiries[i] = Durations.deadline(now, put.ttlMillis());
        }
        KvTable.upsertAll(tx.connection(), nsPath, keys, values, versions, expiries);
        return versions;
    }
}
