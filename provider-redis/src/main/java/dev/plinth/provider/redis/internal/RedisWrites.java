package dev.plinth.provider.redis.internal;

import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.VersionConflictException;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.CommitResult;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.Precondition;
import dev.plinth.spi.storage.Write;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Every write, each one script call (one round trip, atomic, publishing its changes in the same step):
 * {@code set.lua} for a lone put, {@code commit.lua} for a commit, {@code increment.lua} and
 * {@code expire.lua}. Whether a commit of distinct puts of one TTL may take {@code put-all.lua}, which
 * does not count keys, is decided once, at open, from the quota. Thread-safe.
 */
final class RedisWrites {
    /** How a commit is sent, chosen at open. */
    private interface CommitPath {
        CommitResult commit(Namespace ns, Commit commit);
    }

    private final RedisCalls calls;
    private final Scopes scopes;
    private final ScriptCalls scripts;
    private final CommitPath commitPath;

    /**
     * @param maxKeys the scope quota; without one ({@code 0}) a batch of distinct puts of one TTL takes
     *     {@code put-all.lua}
     */
    RedisWrites(RedisCalls calls, Scopes scopes, ScriptCalls scripts, long maxKeys) {
        this.calls = calls;
        this.scopes = scopes;
        this.scripts = scripts;
        this.commitPath = maxKeys == 0 ? this::commitPreferringPutAll : this::commitByScript;
    }

    /**
     * A lone put runs {@code set.lua}, commit's single-put case at a lower server cost; on a standalone
     * server it is written straight onto a pooled connection ({@link DirectCommands}).
     */
    long set(Namespace ns, String key, byte[] value, long ttlMillis) {
        DirectCommands direct = calls.direct();
        if (direct == null) {
            ScriptCall<Long> call = scripts.set(ns, scopes.of(ns), key, value, Codec.ttl(ttlMillis));
            scopes.register(ns);
            return calls.write(call);
        }
        long ttl = Codec.ttl(ttlMillis);
        Scopes.ScopeKeys scope = scopes.of(ns);
        byte[] k = Codec.bytes(key);
        scopes.register(ns);
        calls.ensureOpen();
        Object reply;
        try {
            reply = scripts.sendSet(direct, scope, k, value, ttl);
        } catch (RuntimeException e) {
            // Never retried, like every write: once a connection broke its outcome is unknown.
            throw calls.failure(e, "set");
        }
        return scripts.setResult(ns, reply);
    }

    long compareAndSet(Namespace ns, String key, long expectedVersion, byte[] value, long ttlMillis) {
        try {
            return commit(
                            ns,
                            new Commit(
                                    List.of(new Precondition(key, expectedVersion)),
                                    List.of(new Write.Put(key, value, ttlMillis))))
                    .outcome(0);
        } catch (VersionConflictException e) {
            return KeyValueStore.ABSENT;
        }
    }

    long increment(Namespace ns, String key, long delta) {
        scopes.register(ns);
        return calls.write(scripts.increment(ns, scopes.of(ns), key, delta));
    }

    boolean delete(Namespace ns, String key) {
        return commit(ns, Commit.of(new Write.Remove(key))).applied(0);
    }

    boolean expire(Namespace ns, String key, long ttlMillis) {
        return calls.write(scripts.expire(scopes.of(ns), key, Codec.ttl(ttlMillis)));
    }

    CommitResult commit(Namespace ns, Commit commit) {
        return commitPath.commit(ns, commit);
    }

    private CommitResult commitPreferringPutAll(Namespace ns, Commit commit) {
        List<Write> writes = commit.writes();
        if (commit.preconditions().isEmpty() && distinctPutsOfOneTtl(writes)) {
            ScriptCall<CommitResult> call =
                    scripts.putAll(scopes.of(ns), writes, ((Write.Put) writes.get(0)).ttlMillis());
            scopes.register(ns);
            return calls.write(call);
        }
        return commitByScript(ns, commit);
    }

    private CommitResult commitByScript(Namespace ns, Commit commit) {
        ScriptCall<CommitResult> call = scripts.commit(ns, scopes.of(ns), commit);
        for (Write w : commit.writes()) {
            if (w instanceof Write.Put) {
                scopes.register(ns);
                break;
            }
        }
        return calls.write(call);
    }

    /**
     * @return whether every write is a put, all with the same ttl (not {@link Write#KEEP_EXPIRY}), and no
     *     key is written twice: the shape {@code put-all.lua} takes
     * @throws dev.plinth.api.storage.InvalidArgumentException for a ttl the contract does not allow
     */
    static boolean distinctPutsOfOneTtl(List<Write> writes) {
        Set<String> seen = writes.size() > 1 ? new HashSet<>(writes.size() * 2) : null;
        long ttl = -1;
        for (Write w : writes) {
            if (!(w instanceof Write.Put put) || (seen != null && !seen.add(w.key()))) {
                return false;
            }
            long t = Codec.putTtl(put.ttlMillis());
            if (t == Write.KEEP_EXPIRY || (ttl >= 0 && t != ttl)) {
                return false;
            }
            ttl = t;
        }
        return !writes.isEmpty();
    }
}
