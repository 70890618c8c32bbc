package dev.plinth.provider.sqlite.internal;

import dev.plinth.api.storage.VersionConflictException;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.CommitResult;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.Precondition;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.Write;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@link StorageBackend#commit}: the preconditions, then the writes in order, in one write transaction, so
 * that all of it commits or (on a conflict, a full scope, any failure) none of it. Puts of distinct keys
 * (the runtime's {@code setAll}) go to the {@link RowWriter} as one batch; any other mix runs write by
 * write. Thread-safe (the writer serialises the work).
 */
final class Commits {
    private final Writer writer;
    private final RowWriter rows;
    private final Quota quota;

    Commits(Writer writer, RowWriter rows, Quota quota) {
        this.writer = writer;
        this.rows = rows;
        this.quota = quota;
    }

    CommitResult commit(Namespace ns, Commit commit) {
        List<Write> writes = commit.writes();
        for (Write w : writes) {
            if (w instanceof Write.Put put && put.ttlMillis() != Write.KEEP_EXPIRY) {
                Durations.checkTtl(put.ttlMillis());
            } else if (w instanceof Write.Expire expire) {
                Durations.checkTtl(expire.ttlMillis());
            }
        }
        List<Write.Put> batch = distinctPuts(writes);
        return writer.write("committing a transaction", tx -> {
            for (Precondition p : commit.preconditions()) {
                long actual = KvTable.liveVersion(tx.connection(), ns.path(), p.key(), tx.now());
                if (actual != p.expectedVersion()) {
                    throw new VersionConflictException(p.key(), p.expectedVersion(), actual);
                }
            }
            return CommitResult.of(batch != null ? rows.putAll(tx, ns, batch) : oneByOne(tx, ns, writes));
        });
    }

    private long[] oneByOne(WriteTx tx, Namespace ns, List<Write> writes) throws SQLException {
        long[] outcomes = new long[writes.size()];
        // Counted once, then followed: the transaction's own writes change the count.
        Quota.Tally tally = quota.tally(tx, ns.path());
        for (int i = 0; i < outcomes.length; i++) {
            Write w = writes.get(i);
            if (w instanceof Write.Put put) {
                outcomes[i] = put(tx, ns, put, tally);
            } else if (w instanceof Write.Remove) {
                boolean removed = rows.remove(tx, ns, w.key());
                if (removed) {
                    tally.removed();
                }
                outcomes[i] = removed ? 1 : 0;
            } else {
                outcomes[i] = rows.expire(tx, ns, w.key(), ((Write.Expire) w).ttlMillis()) ? 1 : 0;
            }
        }
        return outcomes;
    }

    private long put(WriteTx tx, Namespace ns, Write.Put put, Quota.Tally tally) throws SQLException {
        String key = put.key();
        long expiresAt;
        boolean isNew;
        if (put.ttlMillis() == Write.KEEP_EXPIRY) {
            BackendEntry e = KvTable.find(tx.connection(), ns.path(), key, tx.now());
            isNew = e == null;
            expiresAt = isNew ? StorageBackend.NO_EXPIRY : e.expiresAtMillis();
        } else {
            isNew = KvTable.liveVersion(tx.connection(), ns.path(), key, tx.now()) == 0L;
            expiresAt = Durations.deadline(tx.now(), put.ttlMillis());
        }
        if (isNew) {
            tally.adding(key);
        }
        return rows.putKnown(tx, ns, key, put.value(), expiresAt, isNew);
    }

    /**
     * @return the puts when there are several, each of its own key and with a new expiry, so one batch can
     *     write them; otherwise {@code null}
     */
    private static List<Write.Put> distinctPuts(List<Write> writes) {
        if (writes.size() < 2) {
            return null;
        }
        List<Write.Put> puts = new ArrayList<>(writes.size());
        Set<String> keys = new HashSet<>();
        for (Write w : writes) {
            if (!(w instanceof Write.Put put) || put.ttlMillis() == Write.KEEP_EXPIRY || !keys.add(w.key())) {
                return null;
            }
            puts.add(put);
        }
        return puts;
    }
}
