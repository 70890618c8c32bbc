package dev.plinth.provider.redis.internal;

import dev.plinth.spi.storage.Namespace;
import java.nio.charset.StandardCharsets;

/**
 * Names of the Redis keys of one key prefix. A scope's keys all start with {@code <prefix>{<ns path>}}:
 * namespace segments never contain braces, {@code /} or {@code :}, so the closing brace ends the scope
 * unambiguously ({@code {a}} never prefixes {@code {a-b}} or {@code {a/b}}), and the braces make the path
 * the Redis Cluster hash tag, putting a whole scope in one slot so one Lua script can change it atomically.
 * After the tag, data keys continue with {@code :} and metadata with {@code #}, so no data key can name a
 * metadata key. Prefix-wide keys ({@code <prefix>#...}) have no tag.
 */
final class KeyLayout {
    private final String prefix;
    private final boolean perScopeSequence;

    /**
     * @param prefix the validated key prefix
     * @param perScopeSequence {@code true} in cluster mode, where one global sequence key would live in
     *     another slot than the scope a script writes
     */
    KeyLayout(String prefix, boolean perScopeSequence) {
        this.prefix = prefix;
        this.perScopeSequence = perScopeSequence;
    }

    /** @return {@code <prefix>{ns}}: the start of every key of the scope */
    String scopeBase(Namespace ns) {
        return prefix + '{' + ns.path() + '}';
    }

    /**
     * @param generation the scope's generation as the server stores it (decimal text, {@code 0} when unset)
     * @return {@code <prefix>{ns}:<generation>:}, the start of every data key of that generation: the same
     *     name the scripts build from the generation key, so a client-side read finds what they wrote
     */
    byte[] dataPrefix(Namespace ns, String generation) {
        return bytes(scopeBase(ns) + ':' + generation + ':');
    }

    /** @return the generation counter; also the first KEYS entry of every data script */
    byte[] generationKey(Namespace ns) {
        return bytes(scopeBase(ns) + "#g");
    }

    /** @return the version sequence the scope's writes draw from */
    byte[] sequenceKey(Namespace ns) {
        return bytes(perScopeSequence ? scopeBase(ns) + "#seq" : prefix + "#seq");
    }

    /** @return the lock named {@code name}, apart from data keys and kept by clear */
    byte[] lockKey(Namespace ns, String name) {
        return bytes(scopeBase(ns) + "#lock:" + name);
    }

    /** @return the set of namespace paths that ever held data under this prefix, for the sweeper */
    byte[] scopesKey() {
        return bytes(prefix + "#scopes");
    }

    /** @return the change channel of this prefix */
    byte[] channel() {
        return bytes(prefix + "#events");
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
