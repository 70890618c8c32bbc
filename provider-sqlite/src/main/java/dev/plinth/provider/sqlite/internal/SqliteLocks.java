package dev.plinth.provider.sqlite.internal;

import dev.plinth.spi.storage.Namespace;

/**
 * {@link dev.plinth.spi.storage.NativeLocks}: lease locks in {@code plinth_locks}, each operation one
 * statement in a write transaction, so a lock excludes every connection and process on the file. Leases are
 * measured on the runtime's clock, the transaction's time. {@link OwnedLocks} counts the ones this backend
 * holds, for {@code lockEntries()}. Thread-safe.
 */
final class SqliteLocks {
    private final Writer writer;
    private final OwnedLocks owned;

    SqliteLocks(Writer writer, OwnedLocks owned) {
        this.writer = writer;
        this.owned = owned;
    }

    boolean tryLock(Namespace ns, String name, String token, long leaseMillis) {
        Durations.checkLease(leaseMillis);
        String nsPath = ns.path();
        return writer.write("taking a lock", tx -> {
            long until = Durations.deadline(tx.now(), leaseMillis);
            boolean taken = LockTable.take(tx.connection(), nsPath, name, token, until, tx.now());
            if (taken) {
                tx.afterCommit(() -> owned.taken(nsPath, name, token, until));
            }
            return taken;
        });
    }

    boolean renewLock(Namespace ns, String name, String token, long leaseMillis) {
        Durations.checkLease(leaseMillis);
        String nsPath = ns.path();
        return writer.write("renewing a lock", tx -> {
            long until = Durations.deadline(tx.now(), leaseMillis);
            boolean renewed = LockTable.renew(tx.connection(), nsPath, name, token, until, tx.now());
            if (renewed) {
                tx.afterCommit(() -> owned.renewed(nsPath, name, token, until));
            } else {
                owned.released(nsPath, name, token);
            }
            return renewed;
        });
    }

    boolean unlock(Namespace ns, String name, String token) {
        String nsPath = ns.path();
        return writer.write("releasing a lock", tx -> {
            boolean released = LockTable.release(tx.connection(), nsPath, name, token);
            tx.afterCommit(() -> owned.released(nsPath, name, token));
            return released;
        });
    }

    /** @return the locks this backend took and has not released (lapsed ones go with the next sweep) */
    int lockEntries() {
        return owned.size();
    }
}
