package dev.plinth.provider.redis.internal;

import dev.plinth.provider.redis.internal.Scopes.ScopeKeys;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.Namespace;
import java.util.Collection;
import java.util.List;

/**
 * Point reads ({@code get}, {@code read}, {@code exists}), one round trip each, by the {@code get.lua} and
 * {@code exists.lua} scripts: the way that works in every mode, and the only one in cluster mode, whose
 * pipelines do not follow slot redirects the way a single command (the script) does.
 * {@link PipelinedReads} reads with plain commands where it can. Which of the two a backend uses is chosen
 * once, at open ({@link #forMode}). Thread-safe.
 */
class RedisReads {
    final RedisCalls calls;
    final Scopes scopes;
    final ScriptCalls scripts;

    RedisReads(RedisCalls calls, Scopes scopes, ScriptCalls scripts) {
        this.calls = calls;
        this.scopes = scopes;
        this.scripts = scripts;
    }

    /** @return the reads for a backend: by script in cluster mode, pipelined otherwise */
    static RedisReads forMode(boolean cluster, RedisCalls calls, Scopes scopes, ScriptCalls scripts) {
        return cluster ? new RedisReads(calls, scopes, scripts) : new PipelinedReads(calls, scopes, scripts);
    }

    /** @return the live entry of {@code key}, or {@code null} */
    BackendEntry get(Namespace ns, String key) {
        return byScript("get", scopes.of(ns), key);
    }

    /** @return the live value of {@code key}, or {@code null} */
    byte[] getValue(Namespace ns, String key) {
        BackendEntry e = get(ns, key);
        return e == null ? null : e.value();
    }

    /** @return the live entries among {@code keys} (not empty), in the order asked */
    List<BackendEntry> read(Namespace ns, Collection<String> keys) {
        return byScript("getAll", scopes.of(ns), keys);
    }

    boolean exists(Namespace ns, String key) {
        return calls.read(scripts.exists(scopes.of(ns), key));
    }

    /** @return what {@code get.lua} answers for {@code key} */
    final BackendEntry byScript(String what, ScopeKeys scope, String key) {
        List<BackendEntry> r = calls.read(scripts.get(what, scope, List.of(key)));
        return r.isEmpty() ? null : r.get(0);
    }

    /** @return what {@code get.lua} answers for {@code keys} */
    final List<BackendEntry> byScript(String what, ScopeKeys scope, Collection<String> keys) {
        return calls.read(scripts.get(what, scope, keys));
    }
}
