package dev.plinth.provider.redis.internal;

import static dev.plinth.provider.redis.internal.Codec.bytes;

import dev.plinth.spi.storage.Namespace;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import redis.clients.jedis.params.SetParams;

/**
 * Lease locks shared by every process on the server: a lock is the key {@code <prefix>{ns}#lock:<name>}
 * holding its owner's token, with the lease as its Redis expiry, so a lapsed lease frees itself on the
 * server's clock. Taking is {@code SET NX PX}; renewing and releasing are scripts that act only for the
 * owning token. Also counts the locks this process holds, for {@code lockEntries}. Thread-safe.
 */
final class RedisLocks {
    private final RedisCalls calls;
    private final KeyLayout layout;
    private final ScriptCalls scripts;
    /** Locks this backend holds: lock id to token. */
    private final Map<String, String> held = new ConcurrentHashMap<>();

    RedisLocks(RedisCalls calls, KeyLayout layout, ScriptCalls scripts) {
        this.calls = calls;
        this.layout = layout;
        this.scripts = scripts;
    }

    boolean tryLock(Namespace ns, String name, String token, long leaseMillis) {
        Codec.lease(leaseMillis);
        byte[] k = layout.lockKey(ns, name);
        String r = calls.call(
                "tryLock",
                () -> calls.client()
                        .set(k, bytes(token), SetParams.setParams().nx().px(leaseMillis)));
        if ("OK".equals(r)) {
            held.put(lockId(ns, name), token);
            return true;
        }
        return false;
    }

    boolean renewLock(Namespace ns, String name, String token, long leaseMillis) {
        Codec.lease(leaseMillis);
        boolean ok = calls.write(scripts.renewLock(layout.lockKey(ns, name), token, leaseMillis));
        if (!ok) {
            held.remove(lockId(ns, name), token);
        }
        return ok;
    }

    boolean unlock(Namespace ns, String name, String token) {
        try {
            return calls.write(scripts.unlock(layout.lockKey(ns, name), token));
        } finally {
            // Forgotten either way: an unreachable server's lease lapses on its own.
            held.remove(lockId(ns, name), token);
        }
    }

    int entries() {
        return held.size();
    }

    void forgetAll() {
        held.clear();
    }

    private static String lockId(Namespace ns, String name) {
        return ns.path() + '\n' + name;
    }
}
