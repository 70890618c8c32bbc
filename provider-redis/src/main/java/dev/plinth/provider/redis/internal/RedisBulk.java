package dev.plinth.provider.redis.internal;

import static dev.plinth.provider.redis.internal.Codec.bytes;
import static dev.plinth.provider.redis.internal.Codec.decimal;
import static dev.plinth.provider.redis.internal.Codec.list;
import static dev.plinth.provider.redis.internal.Codec.number;
import static dev.plinth.provider.redis.internal.Codec.str;

import dev.plinth.provider.redis.internal.Scopes.ScopeKeys;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.Write;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The bulk parts the operator tools use: {@code EntryScan} (a page of live entries in key order, one
 * {@code scan-entries.lua} call: the listing index and the members' hashes read together, where the runtime's
 * default lists a page and reads it in two or three round trips) and {@code BulkLoad} ({@code bulk-load.lua}:
 * one script call per batch that writes hashes and indexes without reading anything, for a migration into an
 * empty target). Its scripts and their calls live here rather than in {@link ScriptCalls}, which keeps to the
 * data path. Thread-safe.
 */
final class RedisBulk {
    private static final LuaScript SCAN_ENTRIES = LuaScript.load("scan-entries");
    private static final LuaScript BULK_LOAD = LuaScript.load("bulk-load");
    private static final byte[] FROM_START = bytes("-");

    private final RedisCalls calls;
    private final Scopes scopes;
    private final RedisWrites writes;
    private final byte[] channel;
    private final boolean quota;

    /**
     * @param maxKeys the scope quota; with one, a bulk load commits instead, so the quota is enforced as on every
     *     other write
     */
    RedisBulk(RedisCalls calls, Scopes scopes, RedisWrites writes, byte[] channel, long maxKeys) {
        this.calls = calls;
        this.scopes = scopes;
        this.writes = writes;
        this.channel = channel;
        this.quota = maxKeys != 0;
    }

    List<BackendEntry> scan(Namespace ns, @Nullable String afterKey, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, not " + limit);
        }
        ScopeKeys scope = scopes.of(ns);
        List<byte[]> args = new ArrayList<>(4);
        args.add(channel);
        args.add(scope.path);
        args.add(afterKey == null ? FROM_START : bytes("(" + afterKey));
        args.add(number(limit));
        return calls.read(new ScriptCall<>("scan", SCAN_ENTRIES, scope.keys, args, reply -> {
            List<Object> r = list(reply);
            List<BackendEntry> out = new ArrayList<>(r.size() / 4);
            for (int i = 0; i + 3 < r.size(); i += 4) {
                out.add(new BackendEntry(
                        str(r.get(i)), (byte[]) r.get(i + 1), decimal((byte[]) r.get(i + 2)), decimal((byte[])
                                r.get(i + 3))));
            }
            return out;
        }));
    }

    void loadNew(Namespace ns, List<Write.Put> puts) {
        if (puts.isEmpty()) {
            return;
        }
        if (quota) {
            writes.commit(ns, new Commit(List.of(), List.copyOf(puts)));
            return;
        }
        ScopeKeys scope = scopes.of(ns);
        List<byte[]> args = new ArrayList<>(2 + 3 * puts.size());
        args.add(channel);
        args.add(scope.path);
        for (Write.Put p : puts) {
            args.add(bytes(p.key()));
            args.add(p.value());
            args.add(number(Codec.ttl(p.ttlMillis())));
        }
        scopes.register(ns);
        calls.write(new ScriptCall<>("bulk load", BULK_LOAD, scope.keys, args, reply -> null));
    }
}
