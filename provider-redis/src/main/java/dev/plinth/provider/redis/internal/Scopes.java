package dev.plinth.provider.redis.internal;

import static dev.plinth.provider.redis.internal.Codec.bytes;
import static dev.plinth.provider.redis.internal.Codec.str;

import dev.plinth.spi.storage.Namespace;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The encoded Redis names of each scope, built once per scope rather than on every call, and the scopes this
 * process registered in {@code <prefix>#scopes} so the sweeper of any process finds them. Thread-safe.
 */
final class Scopes {
    /** Scopes whose encoded names stay cached; past this the cache starts over. */
    static final int MAX_CACHED_SCOPES = 1024;

    private static final byte[] ZERO = bytes("0");

    private final KeyLayout layout;
    private final RedisCalls calls;
    private final Map<Namespace, ScopeKeys> cache = new ConcurrentHashMap<>();
    private final Set<String> registered = ConcurrentHashMap.newKeySet();

    Scopes(KeyLayout layout, RedisCalls calls) {
        this.layout = layout;
        this.calls = calls;
    }

    KeyLayout layout() {
        return layout;
    }

    ScopeKeys of(Namespace ns) {
        ScopeKeys k = cache.get(ns);
        if (k != null) {
            return k;
        }
        // Bounded: a plugin may make buckets without end. Dropping the lot is safe (entries are rebuilt
        // on demand, a forgotten generation only costs one script read) and rare enough to stay cheap.
        if (cache.size() >= MAX_CACHED_SCOPES) {
            cache.clear();
        }
        return cache.computeIfAbsent(
                ns,
                n -> new ScopeKeys(
                        List.of(layout.generationKey(n), layout.sequenceKey(n)),
                        bytes(n.path()),
                        new Generation(layout, n, null)));
    }

    /** @return how many scopes have their encoded names cached (for tests of the bound) */
    int cached() {
        return cache.size();
    }

    /** Registers a scope about to hold data, once per process, so that every process's sweeper finds it. */
    void register(Namespace ns) {
        if (registered.contains(ns.path())) {
            return;
        }
        calls.call("register scope", () -> calls.client().sadd(layout.scopesKey(), bytes(ns.path())));
        registered.add(ns.path());
    }

    /** @return the paths this process registered, encoded, for the sweeper to register again */
    byte[][] registered() {
        return registered.stream().map(Codec::bytes).toArray(byte[][]::new);
    }

    /** The encoded names a scope's scripts need. */
    static final class ScopeKeys {
        /** KEYS of every data script: the generation key and the sequence key. */
        final List<byte[]> keys;

        final byte[] generationKey;
        final byte[] sequenceKey;
        final byte[] path;
        /** The generation this backend last read for the scope; only a hint, every read checks it. */
        volatile Generation generation;

        ScopeKeys(List<byte[]> keys, byte[] path, Generation generation) {
            this.keys = keys;
            this.generationKey = keys.get(0);
            this.sequenceKey = keys.get(1);
            this.path = path;
            this.generation = generation;
        }
    }

    /**
     * A generation of a scope and the encoded start of its data keys. A pipelined read sends {@code GET
     * <generation key>} and then {@code HMGET} of the data key under this generation; when the GET returns
     * this generation the HMGET's answer is a state the key had while the read was in flight: a clear
     * switches to a new generation and the old generation's hashes are never written again, so whatever
     * the HMGET finds in it is what the key held just before that clear (or nothing, once the collector
     * unlinked it, which is what the key held just after). Either is a valid answer for a read that
     * overlaps the clear, as with any concurrent write.
     */
    static final class Generation {
        private final byte[] value;
        private final byte[] dataPrefix;

        /** @param value the generation as read from the server; {@code null} (never cleared) is {@code 0} */
        Generation(KeyLayout layout, Namespace ns, byte[] value) {
            this.value = value == null ? ZERO : value;
            this.dataPrefix = layout.dataPrefix(ns, str(this.value));
        }

        /** @return whether the generation read back from the server is this one */
        boolean is(byte[] read) {
            return Arrays.equals(value, read == null ? ZERO : read);
        }

        /** @return the data key of {@code key} (UTF-8) in this generation */
        byte[] dataKey(byte[] key) {
            byte[] k = Arrays.copyOf(dataPrefix, dataPrefix.length + key.length);
            System.arraycopy(key, 0, k, dataPrefix.length, key.length);
            return k;
        }

        @Override
        public String toString() {
            return str(dataPrefix);
        }
    }
}
