package dev.plinth.provider.jsonfile;

import dev.plinth.spi.storage.Namespace;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Named locks of one process, apart from data keys: owner token and lease deadline (monotonic clock).
 * Released locks are removed at once and lapsed ones by {@link #reclaimLapsed}, so the table never grows
 * without bound.
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

    boolean tryLock(Namespace ns, String name, String token, long leaseMillis) {
        long now = System.nanoTime();
        Holder mine = new Holder(token, now + leaseMillis * 1_000_000L);
        Holder result = locks.compute(new Id(ns, name), (id, cur) -> cur == null || cur.lapsed(now) ? mine : cur);
        return result == mine;
    }

    boolean renew(Namespace ns, String name, String token, long leaseMillis) {
        long now = System.nanoTime();
        Holder renewed = new Holder(token, now + leaseMillis * 1_000_000L);
        Holder result = locks.computeIfPresent(new Id(ns, name), (id, cur) -> {
            if (cur.lapsed(now)) {
                return null;
            }
            return cur.token().equals(token) ? renewed : cur;
        });
        return result == renewed;
    }

    boolean unlock(Namespace ns, String name, String token) {
        long now = System.nanoTime();
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
        long now = System.nanoTime();
        locks.values().removeIf(h -> h.lapsed(now));
    }

    int size() {
        return locks.size();
    }

    void clear() {
        locks.clear();
    }
}
