package dev.plinth.provider.jsonfile;

import dev.plinth.spi.storage.Namespace;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Named locks of one process, apart from data keys: owner token and lease deadline (monotonic clock).
 * Released locks are removed at once and lapsed ones by {@link #reclaimLapsed}, so the table never grows
 * without bound.
 *
 * <p>Deadlines are {@code now + lease} on the monotonic clock, whose origin is arbitrary: the sum may wrap
 * past {@link Long#MAX_VALUE}, which is harmless because deadlines are only ever compared by subtraction.
 * That holds for leases below 2^63 ns (292 years); the longest lease the runtime passes is
 * {@code KeyValueStore.MAX_DURATION} (100 years).
 */
final class LockTable {
    private record Id(Namespace ns, String name) {
    }

    private record Holder(String token, long deadlineNanos) {
        boolean lapsed(long now) {
            return now - deadlineNanos >= 0;
        }
    }

    private final ConcurrentHashMap<Id, Holder> locks = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;

    LockTable() {
        this(System::nanoTime);
    }

    /** @param nanoClock the monotonic clock, {@link System#nanoTime} but in tests */
    LockTable(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    private static long deadline(long now, long leaseMillis) {
        // multiplyExact: a lease too long for the clock must fail loudly, never wrap into a lapsed lock.
        return now + Math.multiplyExact(leaseMillis, 1_000_000L);
    }

    boolean tryLock(Namespace ns, String name, String token, long leaseMillis) {
        long now = nanoClock.getAsLong();
        Holder mine = new Holder(token, deadline(now, leaseMillis));
        Holder result = locks.compute(new Id(ns, name), (id, cur) -> cur == null || cur.lapsed(now) ? mine : cur);
        return result == mine;
    }

    boolean renew(Namespace ns, String name, String token, long leaseMillis) {
        long now = nanoClock.getAsLong();
        Holder renewed = new Holder(token, deadline(now, leaseMillis));
        Holder result = locks.computeIfPresent(new Id(ns, name), (id, cur) -> {
            if (cur.lapsed(now)) {
                return null;
            }
            return cur.token().equals(token) ? renewed : cur;
        });
        return result == renewed;
    }

    boolean unlock(Namespace ns, String name, String token) {
        long now = nanoClock.getAsLong();
        boolean[] released = new boolean[1];
        locks.computeIfPresent(new Id(ns, name), (id, cur) -> {
            if (cur.lapsed(now)) {
                return null;
            }
            if (cur.token().equals(token)) {
                released[0] = true;
                return null;
            }
            return cur;
        });
        return released[0];
    }

    void reclaimLapsed() {
        long now = nanoClock.getAsLong();
        locks.values().removeIf(h -> h.lapsed(now));
    }

    int size() {
        return locks.size();
    }

    void clear() {
        locks.clear();
    }
}
