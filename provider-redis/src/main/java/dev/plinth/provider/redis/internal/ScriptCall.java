package dev.plinth.provider.redis.internal;

import java.util.List;
import java.util.function.Function;

/**
 * One call of a Lua script with its arguments encoded and the decoder of its reply, in the manner of
 * Jedis's {@code CommandObject}: {@link ScriptCalls} builds one per operation, {@link RedisCalls} sends it
 * and hands the raw reply to {@link #decode}, which returns the typed result or throws the typed refusal
 * (a version conflict, a full quota). Immutable once built; the byte arrays are never changed.
 *
 * @param <T> what the reply decodes to
 * @param what the operation, for error messages
 * @param script the script
 * @param keys its KEYS
 * @param args its ARGV
 * @param decoder reads the raw reply
 */
record ScriptCall<T>(String what, LuaScript script, List<byte[]> keys, List<byte[]> args, Function<Object, T> decoder) {

    T decode(Object reply) {
        return decoder.apply(reply);
    }
}
