package dev.plinth.provider.sqlite.internal;

import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.Counters;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.StorageBackend;

/**
 * The single-key writes ({@link dev.plinth.spi.storage.FastPaths} and
 * {@link dev.plinth.spi.storage.NativeCounters}): each one operation for the {@link Writer}, which runs it in
 * a write transaction (possibly grouped with others), so a read-then-write such as compare-and-set or
 * increment is atomic across every process on the file. Rows are written by the {@link RowWriter} chosen
 * at open. Thread-safe (the writer serialises the work).
 */
final class KeyWrites {
    private final Writer writer;
    private final RowWriter rows;
    private final Quota quota;

    KeyWrites(Writer writer, RowWriter rows, Quota quota) {
        this.writer = writer;
        this.rows = rows;
        this.quota = quota;
    }

    long set(Namespace ns, String key, byte[] value, long ttlMillis) {
        Durations.checkTtl(ttlMillis);
        return writer.write(
                "writing a key",
                rows.setAlone(ns, key, value, ttlMillis),
                tx -> rows.set(tx, ns, key, value, ttlMillis));
    }

    /** @return the new version, or 0 ({@code ABSENT}) when the live version was not the expected one */
    long compareAndSet(Namespace ns, String key, long expectedVersion, byte[] value, long ttlMillis) {
        Durations.checkTtl(ttlMillis);
        return writer.write("writing a key", tx -> {
            long current = KvTable.liveVersion(tx.connection(), ns.path(), key, tx.now());
            if (current != expectedVersion) {
                return 0L;
            }
            if (current == 0L) {
                quota.tally(tx, ns.path()).adding(key);
            }
            return rows.putKnown(tx, ns, key, value, Durations.deadline(tx.now(), ttlMillis), current == 0L);
        });
    }

    /** Adds to a counter in the one format of {@link Counters}, keeping the key's expiry. */
    long increment(Namespace ns, String key, long delta) {
        return writer.write("incrementing a counter", tx -> {
            BackendEntry e = KvTable.find(tx.connection(), ns.path(), key, tx.now());
            long sum = Counters.add(key, e == null ? 0L : Counters.parse(key, e.value()), delta);
            if (e == null) {
                quota.tally(tx, ns.path()).adding(key);
            }
            rows.putKnown(
                    tx,
                    ns,
                    key,
                    Counters.format(sum),
                    e == null ? StorageBackend.NO_EXPIRY : e.expiresAtMillis(),
                    e == null);
            return sum;
        });
    }

    boolean delete(Namespace ns, String key) {
        return writer.write("deleting a key", tx -> rows.remove(tx, ns, key));
    }

    boolean expire(Namespace ns, String key, long ttlMillis) {
        Durations.checkTtl(ttlMillis);
        return writer.write("changing an expiry", tx -> rows.expire(tx, ns, key, ttlMillis));
    }
}
