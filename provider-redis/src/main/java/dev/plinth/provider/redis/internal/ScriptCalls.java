package dev.plinth.provider.redis.internal;

import static dev.plinth.provider.redis.internal.Codec.EMPTY;
import static dev.plinth.provider.redis.internal.Codec.asLong;
import static dev.plinth.provider.redis.internal.Codec.bytes;
import static dev.plinth.provider.redis.internal.Codec.decimal;
import static dev.plinth.provider.redis.internal.Codec.list;
import static dev.plinth.provider.redis.internal.Codec.number;
import static dev.plinth.provider.redis.internal.Codec.str;

import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.NotACounterException;
import dev.plinth.api.storage.QuotaExceededException;
import dev.plinth.api.storage.VersionConflictException;
import dev.plinth.provider.redis.internal.Scopes.ScopeKeys;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.CommitResult;
import dev.plinth.spi.storage.Counters;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.Precondition;
import dev.plinth.spi.storage.Write;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * The typed call of every script, in the manner of Jedis's {@code CommandObjects}: each method encodes one
 * operation's arguments for its {@link LuaScript} and pairs them with the decoder of that script's reply,
 * which returns the operation's result or throws its typed refusal. Nothing outside this class reads a
 * script's reply shape. Thread-safe (stateless but for the encoded channel and quota).
 */
final class ScriptCalls {
    private static final byte[] PUT = bytes("P");
    private static final byte[] REMOVE = bytes("R");
    private static final byte[] EXPIRE = bytes("E");
    private static final byte[] CONFLICT = bytes("C");
    private static final byte[] OVER_QUOTA = bytes("Q");
    private static final byte[] NOT_A_COUNTER = bytes("N");

    private final byte[] channel;
    private final long maxKeys;
    /** {@code maxKeys} as the scripts take it, encoded once. */
    private final byte[] maxKeysArg;

    ScriptCalls(byte[] channel, long maxKeys) {
        this.channel = channel;
        this.maxKeys = maxKeys;
        this.maxKeysArg = bytes(Long.toString(maxKeys));
    }

    /** What {@link LuaScript#SWEEP} answers. */
    record Swept(long reclaimed, long retiredGenerations) {}

    /**
     * A chunk of the listing index.
     *
     * @param serverMillis the server's clock when it was read
     * @param members the keys in byte order
     * @param scores each key's expiry score, {@code -1} when the expiry index lacks it
     */
    record Range(long serverMillis, List<String> members, long[] scores) {}

    /** A data script's ARGV with the channel and namespace path in place, room for {@code extra} more. */
    private List<byte[]> args(ScopeKeys k, int extra) {
        List<byte[]> args = new ArrayList<>(extra + 2);
        args.add(channel);
        args.add(k.path);
        return args;
    }

    /** The reply lists, per key in order, value, version and expiry for a live key and one nil for others. */
    ScriptCall<List<BackendEntry>> get(String what, ScopeKeys scope, Collection<String> keys) {
        List<byte[]> args = args(scope, keys.size());
        for (String k : keys) {
            args.add(bytes(k));
        }
        return new ScriptCall<>(what, LuaScript.GET, scope.keys, args, reply -> {
            List<Object> r = list(reply);
            List<BackendEntry> out = new ArrayList<>(keys.size());
            int i = 0;
            for (String k : keys) {
                if (r.get(i) == null) {
                    i++;
                } else {
                    out.add(new BackendEntry(
                            k, (byte[]) r.get(i), decimal((byte[]) r.get(i + 1)), decimal((byte[]) r.get(i + 2))));
                    i += 3;
                }
            }
            return out;
        });
    }

    ScriptCall<Boolean> exists(ScopeKeys scope, String key) {
        List<byte[]> args = args(scope, 1);
        args.add(bytes(key));
        return new ScriptCall<>("exists", LuaScript.EXISTS, scope.keys, args, reply -> asLong(reply) == 1L);
    }

    /** The script answers the version, or a list naming the key when the quota is full. */
    ScriptCall<Long> set(Namespace ns, ScopeKeys scope, String key, byte[] value, long ttl) {
        List<byte[]> args = Arrays.asList(channel, scope.path, maxKeysArg, bytes(key), number(ttl), value);
        return new ScriptCall<>("set", LuaScript.SET, scope.keys, args, reply -> setResult(ns, reply));
    }

    /**
     * Sends {@link #set}'s script by {@link DirectCommands}: the same script with the same KEYS and ARGV,
     * passed as they are, with no call object around them.
     *
     * @return the raw reply, for {@link #setResult}
     * @throws RuntimeException Jedis's failure, untranslated: the caller translates it
     */
    Object sendSet(DirectCommands direct, ScopeKeys scope, byte[] key, byte[] value, long ttl) {
        return direct.evalsha(
                LuaScript.SET,
                scope.generationKey,
                scope.sequenceKey,
                channel,
                scope.path,
                maxKeysArg,
                key,
                number(ttl),
                value);
    }

    /**
     * @return the version {@code set.lua} answered
     * @throws QuotaExceededException when it answered that the scope's quota is full (nothing was written)
     */
    long setResult(Namespace ns, Object reply) {
        if (reply instanceof Long) {
            return (Long) reply;
        }
        throw new QuotaExceededException(ns.path(), str(list(reply).get(1)), maxKeys);
    }

    /**
     * The script answers {@code C key actual} for a failed precondition, {@code Q key} for a full quota,
     * else {@code OK first applied}: the puts' versions run from {@code first} in write order, and
     * {@code applied} has a {@code 1} or {@code 0} per write.
     */
    ScriptCall<CommitResult> commit(Namespace ns, ScopeKeys scope, Commit commit) {
        List<Precondition> preconditions = commit.preconditions();
        List<Write> writes = commit.writes();
        List<byte[]> args = args(scope, 3 + preconditions.size() * 2 + writes.size() * 4);
        args.add(maxKeysArg);
        args.add(number(preconditions.size()));
        for (Precondition p : preconditions) {
            args.add(bytes(p.key()));
            args.add(number(p.expectedVersion()));
        }
        args.add(number(writes.size()));
        for (Write w : writes) {
            if (w instanceof Write.Put p) {
                args.add(PUT);
                args.add(bytes(p.key()));
                args.add(number(Codec.putTtl(p.ttlMillis())));
                args.add(p.value());
            } else if (w instanceof Write.Expire e) {
                args.add(EXPIRE);
                args.add(bytes(e.key()));
                args.add(number(Codec.ttl(e.ttlMillis())));
                args.add(EMPTY);
            } else {
                args.add(REMOVE);
                args.add(bytes(w.key()));
                args.add(EMPTY);
                args.add(EMPTY);
            }
        }
        return new ScriptCall<>("commit", LuaScript.COMMIT, scope.keys, args, reply -> {
            List<Object> r = list(reply);
            byte[] status = (byte[]) r.get(0);
            if (Arrays.equals(CONFLICT, status)) {
                String key = str(r.get(1));
                throw new VersionConflictException(
                        key, expectedVersion(preconditions, key), Long.parseLong(str(r.get(2))));
            }
            if (Arrays.equals(OVER_QUOTA, status)) {
                throw new QuotaExceededException(ns.path(), str(r.get(1)), maxKeys);
            }
            long version = asLong(r.get(1));
            byte[] applied = (byte[]) r.get(2);
            long[] outcomes = new long[writes.size()];
            for (int i = 0; i < outcomes.length; i++) {
                outcomes[i] = writes.get(i) instanceof Write.Put ? version++ : applied[i] == '1' ? 1 : 0;
            }
            return CommitResult.of(outcomes);
        });
    }

    private static long expectedVersion(List<Precondition> preconditions, String key) {
        for (Precondition p : preconditions) {
            if (p.key().equals(key)) {
                return p.expectedVersion();
            }
        }
        return KeyValueStore.ABSENT;
    }

    /**
     * Puts of distinct keys, all with the TTL {@code ttl}; the script answers the first version and the
     * others follow in write order.
     */
    ScriptCall<CommitResult> putAll(ScopeKeys scope, List<Write> puts, long ttl) {
        List<byte[]> args = args(scope, 1 + puts.size() * 2);
        args.add(number(ttl));
        for (Write w : puts) {
            args.add(bytes(w.key()));
            args.add(((Write.Put) w).value());
        }
        return new ScriptCall<>("commit", LuaScript.PUT_ALL, scope.keys, args, reply -> {
            long first = asLong(reply);
            long[] versions = new long[puts.size()];
            for (int i = 0; i < versions.length; i++) {
                versions[i] = first + i;
            }
            return CommitResult.of(versions);
        });
    }

    /** The script answers {@code OK value version}, {@code N error stored} or {@code Q key}. */
    ScriptCall<Long> increment(Namespace ns, ScopeKeys scope, String key, long delta) {
        List<byte[]> args = args(scope, 3);
        args.add(maxKeysArg);
        args.add(bytes(key));
        args.add(bytes(Long.toString(delta)));
        return new ScriptCall<>("increment", LuaScript.INCREMENT, scope.keys, args, reply -> {
            List<Object> r = list(reply);
            byte[] status = (byte[]) r.get(0);
            if (Arrays.equals(OVER_QUOTA, status)) {
                throw new QuotaExceededException(ns.path(), key, maxKeys);
            }
            if (Arrays.equals(NOT_A_COUNTER, status)) {
                throw notACounter(key, delta, str(r.get(1)), r.size() > 2 ? (byte[]) r.get(2) : EMPTY);
            }
            return Long.parseLong(str(r.get(1)));
        });
    }

    /**
     * The exception for a value Redis would not increment, worded by {@link Counters} as on every other
     * provider; Redis applies the same rule, so Counters refuses the value or the sum too.
     */
    private static NotACounterException notACounter(String key, long delta, String redisError, byte[] value) {
        try {
            Counters.add(key, Counters.parse(key, value), delta);
        } catch (NotACounterException e) {
            return e;
        }
        return new NotACounterException(key, "Redis refused to add " + delta + " to it: " + redisError);
    }

    ScriptCall<Boolean> expire(ScopeKeys scope, String key, long ttl) {
        List<byte[]> args = args(scope, 2);
        args.add(bytes(key));
        args.add(number(ttl));
        return new ScriptCall<>("expire", LuaScript.EXPIRE, scope.keys, args, reply -> asLong(reply) == 1L);
    }

    /** A chunk of at most {@code count} members between {@code min} and {@code max} (ZRANGEBYLEX syntax). */
    ScriptCall<Range> range(ScopeKeys scope, byte[] min, byte[] max, byte[] count) {
        List<byte[]> args = args(scope, 3);
        args.add(min);
        args.add(max);
        args.add(count);
        return new ScriptCall<>("list", LuaScript.SCAN_RANGE, scope.keys, args, reply -> {
            List<Object> r = list(reply);
            int n = (r.size() - 1) / 2;
            List<String> members = new ArrayList<>(n);
            long[] scores = new long[n];
            for (int i = 0; i < n; i++) {
                members.add(str(r.get(1 + 2 * i)));
                scores[i] = (long) Double.parseDouble(str(r.get(2 + 2 * i)));
            }
            return new Range(Long.parseLong(str(r.get(0))), members, scores);
        });
    }

    ScriptCall<Long> countAll(ScopeKeys scope) {
        return new ScriptCall<>("count", LuaScript.COUNT_ALL, scope.keys, args(scope, 0), Codec::asLong);
    }

    ScriptCall<Void> clear(ScopeKeys scope) {
        return new ScriptCall<>("clear", LuaScript.CLEAR, List.of(scope.generationKey), args(scope, 0), reply -> null);
    }

    /** The script answers whether retired generations still hold keys after unlinking up to {@code budget}. */
    ScriptCall<Boolean> collect(ScopeKeys scope, int budget) {
        return new ScriptCall<>(
                "collect",
                LuaScript.COLLECT,
                List.of(scope.generationKey),
                List.of(number(budget)),
                reply -> asLong(reply) != 0L);
    }

    ScriptCall<Swept> sweep(ScopeKeys scope, byte[] batch) {
        List<byte[]> args = args(scope, 1);
        args.add(batch);
        return new ScriptCall<>("sweep", LuaScript.SWEEP, scope.keys, args, reply -> {
            List<Object> r = list(reply);
            return new Swept(asLong(r.get(0)), asLong(r.get(1)));
        });
    }

    ScriptCall<Boolean> renewLock(byte[] lockKey, String token, long leaseMillis) {
        return new ScriptCall<>(
                "renewLock",
                LuaScript.RENEW_LOCK,
                List.of(lockKey),
                List.of(bytes(token), bytes(Long.toString(leaseMillis))),
                reply -> asLong(reply) == 1L);
    }

    ScriptCall<Boolean> unlock(byte[] lockKey, String token) {
        return new ScriptCall<>(
                "unlock", LuaScript.UNLOCK, List.of(lockKey), List.of(bytes(token)), reply -> asLong(reply) == 1L);
    }
}
