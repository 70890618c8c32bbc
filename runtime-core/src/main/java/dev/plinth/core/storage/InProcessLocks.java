package dev.plinth.core.storage;

import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.NativeLocks;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The runtime's locks for a backend without {@link NativeLocks}: lease entries in memory, which exclude
 * every thread of this process (and only this process, which is all such a backend promises). Each
 * operation is one atomic {@link ConcurrentHashMap#compute}; an entry disappears when released or found
 * lapsed, so the table never outgrows the locks actually held. Deadlines are on a monotonic nanosecond
 * clock ({@link System#nanoTime()} outside tests), immune to wall-clock jumps, and compared by subtraction.
 * Thread-safe.
 */
final class InProcessLocks implements NativeLocks {
    private record Name(Namespace ns, String name) {}

    private record Lease(String token, long deadlineNanos) {
        boolean lapsedAt(long nowNanos) {
            return nowNanos - deadlineNanos >= 0;
        }
    }

    private final ConcurrentHashMap<Name, Lease> leases = new ConcurrentHashMap<>();
    // compute() answers with the lease it left in place: identity says whether it is the caller's own.
    private final LongSupplier nanoClock;

    InProcessLocks(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    @Override
    @SuppressWarnings("ReferenceEquality")
    public boolean tryLock(Namespace ns, String name, String token, long leaseMillis) {
        long now = nanoClock.getAsLong();
        Lease mine = new Lease(token, now + TimeUnit.MILLISECONDS.toNanos(leaseMillis));
        return leases.compute(new Name(ns, name), (k, cur) -> cur == null || cur.lapsedAt(now) ? mine : cur) == mine;
    }

    @Override
    @SuppressWarnings("ReferenceEquality")
    public boolean renewLock(Namespace ns, String name, String token, long leaseMillis) {
        long now = nanoClock.getAsLong();
        Lease renewed = new Lease(token, now + TimeUnit.MILLISECONDS.toNanos(leaseMillis));
        // A lapsed lease is lost even if nobody took it yet: the answer a shared backend gives too.
        return leases.computeIfPresent(
                        new Name(ns, name),
                        (k, cur) -> cur.lapsedAt(now) ? null : cur.token.equals(token) ? renewed : cur)
                == renewed;
    }

    @Override
    public boolean unlock(Namespace ns, String name, String token) {
        long now = nanoClock.getAsLong();
        boolean[] released = new boolean[1];
        leases.computeIfPresent(new Name(ns, name), (k, cur) -> {
            if (cur.lapsedAt(now)) {
                return null;
            }
            if (cur.token.equals(token)) {
                released[0] = true;
                return null;
            }
            return cur;
        });
        return released[0];
    }

    /** Drops lapsed leases of holders that stopped renewing without unlocking (a crashed caller). */
    void purgeLapsed() {
        if (!leases.isEmpty()) {
            long now = nanoClock.getAsLong();
            leases.values().removeIf(l -> l.lapsedAt(now));
        }
    }

    /** @return the entries held, lapsed ones not yet purged included */
    @Override
    public int lockEntries() {
        return leases.size();
    }
}
