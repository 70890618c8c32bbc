package dev.plinth.provider.memory;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The locks of one namespace: lock name to (owner token, lease deadline). Separate from the data keys.
 * Each operation is one atomic {@link ConcurrentHashMap#compute}; an entry disappears when it is released
 * or found lapsed, so the table never outgrows the locks actually held. Lease deadlines use
 * {@link System#nanoTime()}, immune to wall-clock jumps.
 */
final class LeaseTable {
    /** Keeps {@code now + lease} far from overflow; nanoTime differences are valid up to 2^63 ns. */
    private static final long MAX_LEASE_NANOS = Long.MAX_VALUE / 4;

    private static final class Lease {
        final String token;
        final long deadlineNanos;

        Lease(String token, long deadlineNanos) {
            this.token = token;
            this.deadlineNanos = deadlineNanos;
        }

        boolean lapsedAt(long nowNanos) {
            return nowNanos - deadlineNanos >= 0;
        }
    }

    private final ConcurrentHashMap<String, Lease> leases = new ConcurrentHashMap<>();

    boolean tryLock(String name, String token, long leaseMillis) {
        long now = System.nanoTime();
        Lease mine = new Lease(token, now + leaseNanos(leaseMillis));
        return leases.compute(name, (k, cur) -> cur == null || cur.lapsedAt(now) ? mine : cur) == mine;
    }

    boolean renew(String name, String token, long leaseMillis) {
        long now = System.nanoTime();
        Lease renewed = new Lease(token, now + leaseNanos(leaseMillis));
        // A lapsed lease is lost even if nobody took it yet: the same answer a shared backend gives.
        return leases.computeIfPresent(name, (k, cur) -> cur.lapsedAt(now) ? null
                : cur.token.equals(token) ? renewed : cur) == renewed;
    }

    boolean unlock(String name, String token) {
        long now = System.nanoTime();
        boolean[] released = new boolean[1];
        leases.computeIfPresent(name, (k, cur) -> {
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

    /** Drops lapsed leases. */
    void purgeLapsed() {
        if (leases.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        // removeIf on the values view removes each entry only if it still maps to the lapsed lease.
        leases.values().removeIf(l -> l.lapsedAt(now));
    }

    int size() {
        return leases.size();
    }

    private static long leaseNanos(long leaseMillis) {
        return Math.min(TimeUnit.MILLISECONDS.toNanos(Math.max(leaseMillis, 0L)), MAX_LEASE_NANOS);
    }
}
