package dev.plinth.provider.redis.internal;

import static dev.plinth.provider.redis.internal.Codec.bytes;

import dev.plinth.provider.redis.internal.Scopes.ScopeKeys;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.CommitResult;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.KeyRange;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.Write;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Listing, counting, deleting by pattern and clearing. Listing walks the scope's lexicographic index
 * ({@code ZRANGEBYLEX}) over the pattern's {@link KeyRange}, so its cost follows the keys under the
 * pattern's literal prefix, and keeps the live keys {@link GlobPattern#matches} accepts: Redis compares
 * bytes, and UTF-8 byte order is the order the contract lists in. Thread-safe.
 */
final class RedisListing {
    private static final int RANGE_CHUNK = 512;
    private static final byte[] RANGE_CHUNK_ARG = bytes(Integer.toString(RANGE_CHUNK));
    private static final int DELETE_BATCH = 500;

    private final RedisCalls calls;
    private final Scopes scopes;
    private final ScriptCalls scripts;
    private final RedisWrites writes;
    private final RedisSweeper sweeper;

    RedisListing(RedisCalls calls, Scopes scopes, ScriptCalls scripts, RedisWrites writes, RedisSweeper sweeper) {
        this.calls = calls;
        this.scopes = scopes;
        this.scripts = scripts;
        this.writes = writes;
        this.sweeper = sweeper;
    }

    List<String> list(Namespace ns, GlobPattern pattern, String afterKey, int limit) {
        List<String> found = new ArrayList<>(Math.min(limit, 1024));
        scan(ns, pattern, afterKey, key -> {
            found.add(key);
            return found.size() < limit;
        });
        return found;
    }

    long count(Namespace ns, GlobPattern pattern) {
        if (pattern.matchesEverything()) {
            return calls.read(scripts.countAll(scopes.of(ns)));
        }
        long[] n = new long[1];
        scan(ns, pattern, null, k -> {
            n[0]++;
            return true;
        });
        return n[0];
    }

    /** Deletes in batches of removals, each one atomic commit (the whole is not), reporting each DELETE. */
    long deleteMatching(Namespace ns, GlobPattern pattern) {
        long deleted = 0;
        String after = null;
        while (true) {
            List<String> batch = list(ns, pattern, after, DELETE_BATCH);
            if (batch.isEmpty()) {
                return deleted;
            }
            List<Write> removes = new ArrayList<>(batch.size());
            for (String k : batch) {
                removes.add(new Write.Remove(k));
            }
            CommitResult r = writes.commit(ns, new Commit(List.of(), removes));
            for (int i = 0; i < r.size(); i++) {
                deleted += r.outcome(i);
            }
            if (batch.size() < DELETE_BATCH) {
                return deleted;
            }
            after = batch.get(batch.size() - 1);
        }
    }

    /**
     * Switches the scope to a new generation in one script, then has the sweeper unlink the old one's keys
     * in the background.
     */
    void clear(Namespace ns) {
        calls.write(scripts.clear(scopes.of(ns)));
        sweeper.collectSoon(ns);
    }

    /**
     * Walks the index range of {@code pattern} after {@code afterKey} in chunks, handing each live matching
     * key to {@code sink} in UTF-8 byte order until it returns {@code false}.
     */
    private void scan(Namespace ns, GlobPattern pattern, String afterKey, Predicate<String> sink) {
        KeyRange range = KeyRange.of(pattern, afterKey);
        if (range.isEmpty()) {
            calls.ensureOpen();
            return;
        }
        String min = range.lower() == null ? "-" : (range.lowerInclusive() ? "[" : "(") + range.lower();
        byte[] max = bytes(range.upper() == null ? "+" : "(" + range.upper());
        ScopeKeys scope = scopes.of(ns);
        while (true) {
            ScriptCalls.Range chunk = calls.read(scripts.range(scope, bytes(min), max, RANGE_CHUNK_ARG));
            List<String> members = chunk.members();
            for (int i = 0; i < members.size(); i++) {
                String key = members.get(i);
                if (chunk.scores()[i] >= chunk.serverMillis() && pattern.matches(key) && !sink.test(key)) {
                    return;
                }
            }
            if (members.size() < RANGE_CHUNK) {
                return;
            }
            min = "(" + members.get(members.size() - 1);
        }
    }
}
