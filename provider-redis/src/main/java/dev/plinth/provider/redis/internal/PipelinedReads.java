package dev.plinth.provider.redis.internal;

import static dev.plinth.provider.redis.internal.Codec.bytes;
import static dev.plinth.provider.redis.internal.Codec.decimal;
import static dev.plinth.provider.redis.internal.Codec.list;

import dev.plinth.api.storage.StorageException;
import dev.plinth.provider.redis.internal.Scopes.Generation;
import dev.plinth.provider.redis.internal.Scopes.ScopeKeys;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.Namespace;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;

/**
 * Point reads outside cluster mode: plain commands in one pipeline (for a lone key on a standalone server,
 * written straight onto a pooled connection by {@link DirectCommands}), under the generation this backend last
 * saw for the scope (see {@link Generation} for why that is as consistent as the script). When the
 * generation read back is another one (a clear moved it on), the script answers instead, still one round
 * trip more only on the first read after a clear. A few plain commands cost the server a fraction of a
 * script calling them. Thread-safe.
 */
final class PipelinedReads extends RedisReads {
    private static final byte[] FIELD_V = bytes("v");
    private static final byte[] FIELD_R = bytes("r");
    private static final byte[] FIELD_E = bytes("e");
    private static final byte[][] NO_ARGS = new byte[0][];

    PipelinedReads(RedisCalls calls, Scopes scopes, ScriptCalls scripts) {
        super(calls, scopes, scripts);
    }

    /** {@code GET} of the generation and {@code HMGET v r e} of the key's hash, pipelined. */
    @Override
    BackendEntry get(Namespace ns, String key) {
        ScopeKeys scope = scopes.of(ns);
        Generation g = scope.generation;
        byte[] dataKey = g.dataKey(bytes(key));
        DirectCommands direct = calls.direct();
        Object[] replies = calls.read("get", () -> {
            if (direct != null) {
                return direct.getThenEntry(scope.generationKey, dataKey);
            }
            try (AbstractPipeline p = calls.client().pipelined()) {
                Response<byte[]> genReply = p.get(scope.generationKey);
                Response<List<byte[]>> hashReply = p.hmget(dataKey, FIELD_V, FIELD_R, FIELD_E);
                p.sync();
                return new Object[] {genReply.get(), hashReply.get()};
            }
        });
        byte[] gen = (byte[]) replies[0];
        if (!g.is(gen)) {
            scope.generation = new Generation(scopes.layout(), ns, gen);
            return byScript("get", scope, key);
        }
        @SuppressWarnings("unchecked")
        List<byte[]> h = (List<byte[]>) replies[1];
        return live(key, h);
    }

    /**
     * {@code GET} of the generation and {@code HGET v} of the key's hash, pipelined: what {@link #get}
     * answers without the version and expiry. A hash without {@code v} is absent to both: every script
     * writes {@code v} together with {@code r} and {@code e} and none removes a field, so a hash has all
     * three or lacks {@code v} (an {@code r}/{@code e} rewrite of a hash Redis lost). One field instead of
     * three saves the server a little and this process the two parses and the entry.
     */
    @Override
    byte[] getValue(Namespace ns, String key) {
        ScopeKeys scope = scopes.of(ns);
        Generation g = scope.generation;
        byte[] dataKey = g.dataKey(bytes(key));
        DirectCommands direct = calls.direct();
        Object[] replies = calls.read("get", () -> {
            if (direct != null) {
                return direct.getThenValue(scope.generationKey, dataKey);
            }
            try (AbstractPipeline p = calls.client().pipelined()) {
                Response<byte[]> genReply = p.get(scope.generationKey);
                Response<byte[]> valueReply = p.hget(dataKey, FIELD_V);
                p.sync();
                return new Object[] {genReply.get(), valueReply.get()};
            }
        });
        byte[] gen = (byte[]) replies[0];
        if (!g.is(gen)) {
            scope.generation = new Generation(scopes.layout(), ns, gen);
            BackendEntry e = byScript("get", scope, key);
            return e == null ? null : e.value();
        }
        return (byte[]) replies[1];
    }

    /**
     * One pipeline of {@code MULTI}, {@code GET} of the generation, one {@code HMGET v r e} per key under
     * the generation this backend last saw, {@code EXEC}. The transaction makes the reads one atomic
     * snapshot, as the script is, and Redis evaluates key expiry inside it against one instant (its clock is
     * fixed for the commands of an {@code EXEC}, as for a script), so liveness is decided exactly as
     * {@code get.lua} decides it: by the hash's own Redis expiry.
     */
    @Override
    List<BackendEntry> read(Namespace ns, Collection<String> keys) {
        ScopeKeys scope = scopes.of(ns);
        Generation g = scope.generation;
        List<Object> replies = list(calls.read("getAll", () -> {
            try (AbstractPipeline p = calls.client().pipelined()) {
                // Raw commands: the queued ones answer QUEUED, and only EXEC's reply is read. Jedis's own
                // Transaction would read the QUEUED replies before sending EXEC, a second round trip.
                p.sendCommand(Protocol.Command.MULTI, NO_ARGS);
                p.sendCommand(Protocol.Command.GET, scope.generationKey);
                for (String k : keys) {
                    p.sendCommand(Protocol.Command.HMGET, g.dataKey(bytes(k)), FIELD_V, FIELD_R, FIELD_E);
                }
                Response<Object> exec = p.sendCommand(Protocol.Command.EXEC, NO_ARGS);
                p.sync();
                return exec.get();
            }
        }));
        if (replies.size() != keys.size() + 1) {
            throw new StorageException("Unexpected reply from Redis at " + calls.endpoint() + " to getAll: "
                    + replies.size() + " results for " + (keys.size() + 1) + " commands");
        }
        byte[] gen = (byte[]) calls.checked(replies.get(0), "getAll");
        if (!g.is(gen)) {
            scope.generation = new Generation(scopes.layout(), ns, gen);
            return byScript("getAll", scope, keys);
        }
        List<BackendEntry> out = new ArrayList<>(keys.size());
        int i = 1;
        for (String k : keys) {
            @SuppressWarnings("unchecked")
            List<byte[]> h = (List<byte[]>) calls.checked(replies.get(i++), "getAll");
            BackendEntry e = live(k, h);
            if (e != null) {
                out.add(e);
            }
        }
        return out;
    }

    /** @return the entry an HMGET of v, r and e found, or {@code null}: a hash exists only while live */
    private static BackendEntry live(String key, List<byte[]> h) {
        byte[] v = h.get(0);
        byte[] r = h.get(1);
        byte[] e = h.get(2);
        return v == null || r == null || e == null ? null : new BackendEntry(key, v, decimal(r), decimal(e));
    }
}
