package dev.plinth.provider.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.api.storage.InvalidArgumentException;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.QuotaExceededException;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.CommitResult;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.Precondition;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.Write;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The stored layout behind the fast paths: the hash's {@code e} field mirrors the index score and the
 * hash's Redis expiry (reads rely on it), hashes of the older layout without {@code e} still read right,
 * a batch's puts draw distinct, increasing versions from one INCRBY, a lone put (its own script) writes
 * exactly what a commit of one put writes, and pipelined reads find the keys the scripts named.
 */
class RedisLayoutTest {
    private static final Namespace NS = Namespace.of("notes");

    private final Recorder events = new Recorder();
    private String prefix;
    private RedisStorageBackend backend;
    private Jedis raw;

    @BeforeEach
    void open() {
        prefix = Backends.uniquePrefix();
        // The sweeper stays out of the way: these tests look at leftovers it would reclaim.
        backend = Backends.open(Map.of("keyPrefix", prefix, "sweepInterval", "1h"), events);
        raw = new Jedis("127.0.0.1", RedisServers.sharedPort());
    }

    @AfterEach
    void close() {
        raw.close();
        backend.close();
        Backends.purge(RedisServers.sharedPort(), prefix);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private String data(String key) {
        return prefix + "{notes}:0:" + key;
    }

    private String index() {
        return prefix + "{notes}#x:0";
    }

    private String listing() {
        return prefix + "{notes}#l:0";
    }

    private long serverNow() {
        List<String> t = raw.time();
        return Long.parseLong(t.get(0)) * 1000 + Long.parseLong(t.get(1)) / 1000;
    }

    @Test
    void hashExpiryFieldMirrorsTheIndexAndTheRedisExpiry() {
        backend.set(NS, "k", b("x"), StorageBackend.NO_EXPIRY);
        assertThat(raw.hget(data("k"), "e")).isEqualTo("0");
        assertThat(raw.pttl(data("k"))).isEqualTo(-1L);
        assertThat(raw.zscore(index(), "k")).isEqualTo((double) LuaScript.NO_EXPIRY_SCORE);

        backend.set(NS, "k", b("y"), 60_000);
        long e = Long.parseLong(raw.hget(data("k"), "e"));
        assertThat(raw.zscore(index(), "k")).isEqualTo((double) e);
        assertThat(raw.pexpireTime(data("k"))).isEqualTo(e);
        assertThat(backend.get(NS, "k").expiresAtMillis()).isEqualTo(e);

        // Overwriting without expiry drops the Redis expiry too (PERSIST is skipped only when there was none).
        backend.set(NS, "k", b("z"), StorageBackend.NO_EXPIRY);
        assertThat(raw.hget(data("k"), "e")).isEqualTo("0");
        assertThat(raw.pttl(data("k"))).isEqualTo(-1L);
        assertThat(raw.zscore(index(), "k")).isEqualTo((double) LuaScript.NO_EXPIRY_SCORE);

        assertThat(backend.expire(NS, "k", 30_000)).isTrue();
        long e2 = Long.parseLong(raw.hget(data("k"), "e"));
        assertThat(raw.zscore(index(), "k")).isEqualTo((double) e2);
        assertThat(raw.pexpireTime(data("k"))).isEqualTo(e2);
        assertThat(backend.expire(NS, "k", 0)).isTrue();
        assertThat(raw.hget(data("k"), "e")).isEqualTo("0");
        assertThat(raw.pttl(data("k"))).isEqualTo(-1L);
        assertThat(backend.get(NS, "k").expiresAtMillis()).isEqualTo(StorageBackend.NO_EXPIRY);

        assertThat(backend.increment(NS, "n", 3)).isEqualTo(3);
        assertThat(raw.hget(data("n"), "e")).isEqualTo("0");
        assertThat(raw.zscore(index(), "n")).isEqualTo((double) LuaScript.NO_EXPIRY_SCORE);
        assertThat(raw.zscore(listing(), "n")).isZero();
    }

    @Test
    void overwritesKeepBothIndexesWhole() {
        backend.set(NS, "a", b("1"), StorageBackend.NO_EXPIRY);
        backend.set(NS, "a", b("2"), StorageBackend.NO_EXPIRY);
        backend.set(NS, "a", b("3"), 60_000);
        assertThat(raw.zcard(index())).isEqualTo(1);
        assertThat(raw.zcard(listing())).isEqualTo(1);
        backend.delete(NS, "a");
        assertThat(raw.zcard(index())).isZero();
        assertThat(raw.zcard(listing())).isZero();
        backend.set(NS, "a", b("4"), 0);
        assertThat(backend.list(NS, GlobPattern.compile("*"), null, 10)).containsExactly("a");
        assertThat(backend.count(NS, GlobPattern.compile("*"))).isEqualTo(1);
    }

    @Test
    void expiredLeftoverIsRecreatedInBothIndexes() throws Exception {
        backend.set(NS, "gone", b("x"), 1);
        Thread.sleep(5);
        backend.set(NS, "gone", b("back"), StorageBackend.NO_EXPIRY);
        assertThat(raw.pttl(data("gone"))).isEqualTo(-1L);
        assertThat(raw.zscore(index(), "gone")).isEqualTo((double) LuaScript.NO_EXPIRY_SCORE);
        assertThat(raw.zscore(listing(), "gone")).isZero();
        assertThat(backend.get(NS, "gone").value()).isEqualTo(b("back"));
        assertThat(events.await(3))
                .extracting(Recorder.Change::type)
                .containsExactly(ChangeType.SET, ChangeType.EXPIRE, ChangeType.SET);
    }

    /**
     * A commit's Expire and KEEP_EXPIRY puts keep the three records of an expiry equal (the hash's 'e', its
     * Redis expiry, its index score), whatever came before them in the batch.
     */
    @Test
    void commitExpiresAndKeptExpiriesKeepTheHashAndIndexesWhole() {
        backend.set(NS, "e", b("1"), 0);
        backend.set(NS, "k", b("1"), 60_000);
        backend.set(NS, "p", b("1"), 60_000);
        backend.commit(
                NS,
                new Commit(
                        List.of(),
                        List.of(
                                new Write.Expire("e", 30_000),
                                new Write.Put("k", b("2"), Write.KEEP_EXPIRY),
                                new Write.Put("p", b("2"), 45_000),
                                new Write.Expire("p", 0),
                                new Write.Put("n", b("2"), Write.KEEP_EXPIRY),
                                new Write.Put("x", b("2"), 10_000),
                                new Write.Expire("x", 20_000))));
        for (String k : List.of("e", "k", "x")) {
            long at = backend.get(NS, k).expiresAtMillis();
            assertThat(at).as(k).isGreaterThan(serverNow());
            assertThat(raw.hget(data(k), "e")).as(k).isEqualTo(Long.toString(at));
            assertThat(raw.pexpireTime(data(k))).as(k).isEqualTo(at);
            assertThat(raw.zscore(index(), k)).as(k).isEqualTo((double) at);
        }
        for (String k : List.of("p", "n")) {
            assertThat(backend.get(NS, k).expiresAtMillis()).as(k).isEqualTo(StorageBackend.NO_EXPIRY);
            assertThat(raw.hget(data(k), "e")).as(k).isEqualTo("0");
            assertThat(raw.pttl(data(k))).as(k).isEqualTo(-1L);
            assertThat(raw.zscore(index(), k)).as(k).isEqualTo((double) LuaScript.NO_EXPIRY_SCORE);
        }
        assertThat(raw.zcard(index())).isEqualTo(5);
        assertThat(raw.zcard(listing())).isEqualTo(5);
    }

    @Test
    void aHashWithoutItsExpiryFieldIsNoKey() {
        // Every write sets 'e' with v and r; a hash without it (damaged, or not ours) is never reported, and
        // neither is one whose index score has passed.
        raw.hset(data("stale"), Map.of("v", "s", "r", "3"));
        raw.zadd(index(), serverNow() - 1_000, "stale");
        raw.zadd(listing(), 0, "stale");
        // Nor is a hash that is in no index at all.
        raw.hset(data("orphan"), Map.of("v", "o", "r", "4"));

        assertThat(backend.get(NS, "stale")).isNull();
        assertThat(backend.exists(NS, "stale")).isFalse();
        assertThat(backend.get(NS, "orphan")).isNull();
        assertThat(backend.read(NS, List.of("stale", "orphan"))).isEmpty();
    }

    @Test
    void batchPutsGetDistinctIncreasingVersionsInWriteOrder() throws Exception {
        long before = backend.set(NS, "first", b("0"), 0);
        Map<String, Long> v = Backends.versions(
                backend,
                NS,
                new Commit(
                        List.of(),
                        List.of(
                                new Write.Put("a", b("1"), 0),
                                new Write.Remove("first"),
                                new Write.Put("b", b("2"), 0),
                                new Write.Put("a", b("3"), 0))));
        // The second put of "a" wins, with the later version; "b" lies between the two puts of "a".
        assertThat(v).containsOnlyKeys("a", "b");
        assertThat(v.get("b")).isGreaterThan(before);
        assertThat(v.get("a")).isGreaterThan(v.get("b"));
        assertThat(backend.get(NS, "a").version()).isEqualTo(v.get("a"));
        assertThat(backend.get(NS, "a").value()).isEqualTo(b("3"));
        List<Recorder.Change> seen = events.await(5);
        List<Long> setVersions = seen.stream()
                .filter(c -> c.type() == ChangeType.SET)
                .map(Recorder.Change::version)
                .toList();
        assertThat(setVersions).hasSize(4).isSorted().doesNotHaveDuplicates();
        assertThat(setVersions.get(3)).isEqualTo(v.get("a"));
        assertThat(backend.set(NS, "after", b("x"), 0)).isGreaterThan(v.get("a"));
        // A batch of removals only draws no version.
        long last = backend.set(NS, "probe", b("p"), 0);
        backend.commit(NS, new Commit(List.of(), List.of(new Write.Remove("a"), new Write.Remove("b"))));
        assertThat(backend.set(NS, "probe", b("q"), 0)).isEqualTo(last + 1);
    }

    @Test
    void batchesInAScopeWithoutExpiryTellNewKeysFromOverwrites() throws Exception {
        // No key of the scope has an expiry: the batch reads presence from the listing index.
        backend.commit(
                NS, new Commit(List.of(), List.of(new Write.Put("a", b("1"), 0), new Write.Put("b", b("1"), 0))));
        Map<String, Long> v = Backends.versions(
                backend,
                NS,
                new Commit(
                        List.of(),
                        List.of(
                                new Write.Put("b", b("2"), 0),
                                new Write.Put("c", b("2"), 0),
                                new Write.Remove("a"),
                                new Write.Put("d", b("2"), 0))));
        assertThat(raw.zcard(index())).isEqualTo(3);
        assertThat(raw.zcard(listing())).isEqualTo(3);
        for (String k : List.of("b", "c", "d")) {
            assertThat(raw.zscore(index(), k)).as(k).isEqualTo((double) LuaScript.NO_EXPIRY_SCORE);
            assertThat(backend.get(NS, k).version()).as(k).isEqualTo(v.get(k));
        }
        assertThat(backend.list(NS, GlobPattern.compile("*"), null, 10)).containsExactly("b", "c", "d");
        assertThat(events.await(6))
                .extracting(Recorder.Change::type)
                .containsExactly(
                        ChangeType.SET,
                        ChangeType.SET,
                        ChangeType.SET,
                        ChangeType.SET,
                        ChangeType.DELETE,
                        ChangeType.SET);
        // One key with an expiry switches the batch back to the expiry index's scores.
        backend.set(NS, "t", b("t"), 60_000);
        backend.commit(
                NS, new Commit(List.of(), List.of(new Write.Put("t", b("u"), 0), new Write.Put("e", b("e"), 0))));
        assertThat(raw.pttl(data("t"))).isEqualTo(-1L);
        assertThat(raw.zscore(index(), "t")).isEqualTo((double) LuaScript.NO_EXPIRY_SCORE);
        assertThat(raw.zcard(index())).isEqualTo(5);
        assertThat(raw.zcard(listing())).isEqualTo(5);
    }

    @Test
    void batchedIndexWritesFollowTheLastWriteOfEachKey() {
        backend.set(NS, "t", b("t"), 0);
        backend.set(NS, "gone", b("g"), 60_000);
        backend.set(NS, "r", b("r"), 60_000);
        backend.commit(
                NS,
                new Commit(
                        List.of(),
                        List.of(
                                new Write.Remove("r"),
                                new Write.Put("r", b("8"), 0),
                                new Write.Put("n", b("1"), 60_000),
                                new Write.Remove("n"),
                                new Write.Put("t", b("2"), 60_000),
                                new Write.Put("u", b("3"), 0),
                                new Write.Remove("u"),
                                new Write.Put("u", b("4"), 30_000),
                                new Write.Put("gone", b("5"), 0),
                                new Write.Remove("gone"),
                                new Write.Put("w", b("6"), 30_000),
                                new Write.Put("w", b("7"), 0))));
        // Put then remove in one batch: in neither index, no hash.
        for (String k : List.of("n", "gone")) {
            assertThat(raw.zscore(index(), k)).as(k).isNull();
            assertThat(raw.zscore(listing(), k)).as(k).isNull();
            assertThat(raw.exists(data(k))).as(k).isFalse();
        }
        // Every live key's index score is the expiry its hash and Redis hold.
        for (String k : List.of("t", "u", "w", "r")) {
            long e = Long.parseLong(raw.hget(data(k), "e"));
            assertThat(raw.zscore(index(), k)).as(k).isEqualTo((double) (e == 0 ? LuaScript.NO_EXPIRY_SCORE : e));
            assertThat(raw.zscore(listing(), k)).as(k).isZero();
            assertThat(raw.pexpireTime(data(k))).as(k).isEqualTo(e == 0 ? -1L : e);
        }
        assertThat(raw.hget(data("t"), "e")).isNotEqualTo("0");
        assertThat(raw.hget(data("u"), "v")).isEqualTo("4");
        assertThat(raw.hget(data("w"), "e")).isEqualTo("0");
        // Removed and put again: a fresh hash, without the removed one's expiry.
        assertThat(raw.hget(data("r"), "e")).isEqualTo("0");
        assertThat(raw.hget(data("r"), "v")).isEqualTo("8");
        assertThat(raw.zcard(index())).isEqualTo(4);
        assertThat(raw.zcard(listing())).isEqualTo(4);
        assertThat(backend.list(NS, GlobPattern.compile("*"), null, 10)).containsExactly("r", "t", "u", "w");
    }

    @Test
    void largeBatchesSeeTheirOwnEarlierWritesOfAKey() throws Exception {
        backend.set(NS, "old", b("o"), 1);
        backend.set(NS, "kept", b("k"), 60_000);
        Thread.sleep(5);
        int n = 2 * LuaScript.SCORE_CHUNK + 500;
        List<Write> writes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            writes.add(new Write.Put("k" + i, b("v" + i), 0));
        }
        writes.add(new Write.Put("old", b("again"), 0));
        writes.add(new Write.Remove("k7"));
        writes.add(new Write.Put("k7", b("back"), 0));
        writes.add(new Write.Put("kept", b("k2"), StorageBackend.NO_EXPIRY));
        writes.add(new Write.Remove("k8"));
        Map<String, Long> v = Backends.versions(backend, NS, new Commit(List.of(), writes));

        assertThat(v).hasSize(n + 2);
        long live = n + 1L; // k0..k(n-1) without k8, plus old and kept
        assertThat(backend.count(NS, GlobPattern.compile("*"))).isEqualTo(live);
        assertThat(raw.zcard(index())).isEqualTo(live);
        assertThat(raw.zcard(listing())).isEqualTo(live);
        assertThat(backend.get(NS, "k7").value()).isEqualTo(b("back"));
        assertThat(backend.get(NS, "k7").version()).isEqualTo(v.get("k7"));
        assertThat(backend.get(NS, "k8")).isNull();
        assertThat(backend.get(NS, "k" + (n - 1)).value()).isEqualTo(b("v" + (n - 1)));
        assertThat(backend.get(NS, "old").value()).isEqualTo(b("again"));
        assertThat(backend.get(NS, "kept").expiresAtMillis()).isEqualTo(StorageBackend.NO_EXPIRY);
        assertThat(raw.pttl(data("kept"))).isEqualTo(-1L);

        List<Recorder.Change> seen = events.await(2 + n + 6);
        List<Recorder.Change> batch = seen.subList(2, seen.size());
        assertThat(batch).hasSize(n + 6);
        assertThat(batch.stream().filter(c -> c.type() == ChangeType.EXPIRE))
                .singleElement()
                .satisfies(c -> assertThat(c.key()).isEqualTo("old"));
        assertThat(batch.stream().filter(c -> c.type() == ChangeType.DELETE))
                .extracting(Recorder.Change::key)
                .containsExactly("k7", "k8");

        CommitResult removed = backend.commit(
                NS,
                new Commit(
                        List.of(),
                        List.of(
                                new Write.Remove("k1"),
                                new Write.Remove("k1"),
                                new Write.Remove("k8"),
                                new Write.Remove("nothing"),
                                new Write.Remove("k2"))));
        assertThat(removed.toString()).isEqualTo("CommitResult[1, 0, 0, 0, 1]");
    }

    @Test
    void incrementRepliesExactlyAroundTheDoublePrecisionLimit() {
        long limit = 1L << 53;
        backend.set(NS, "c", b(Long.toString(limit - 2)), 0);
        assertThat(backend.increment(NS, "c", 1)).isEqualTo(limit - 1);
        assertThat(backend.increment(NS, "c", 1)).isEqualTo(limit);
        assertThat(backend.increment(NS, "c", 1)).isEqualTo(limit + 1);
        assertThat(new String(backend.get(NS, "c").value(), StandardCharsets.UTF_8))
                .isEqualTo(Long.toString(limit + 1));
        backend.set(NS, "d", b(Long.toString(-limit + 2)), 0);
        assertThat(backend.increment(NS, "d", -1)).isEqualTo(-limit + 1);
        assertThat(backend.increment(NS, "d", -2)).isEqualTo(-limit - 1);
        assertThat(backend.increment(NS, "fresh", Long.MIN_VALUE)).isEqualTo(Long.MIN_VALUE);
        assertThat(backend.increment(NS, "fresh", 1)).isEqualTo(Long.MIN_VALUE + 1);
    }

    private String data(Namespace ns, int generation, String key) {
        return prefix + "{" + ns.path() + "}:" + generation + ":" + key;
    }

    /** What a put left behind, with the drawn version and the expiry instant reduced to their kind. */
    private List<Object> shape(Namespace ns, String key) {
        Map<String, String> h = raw.hgetAll(data(ns, 0, key));
        Double score = raw.zscore(prefix + "{" + ns.path() + "}#x:0", key);
        return List.of(
                h.keySet(),
                String.valueOf(h.get("v")),
                "0".equals(h.get("e")),
                raw.pttl(data(ns, 0, key)) > 0,
                score != null && score == LuaScript.NO_EXPIRY_SCORE,
                String.valueOf(raw.zscore(prefix + "{" + ns.path() + "}#l:0", key)));
    }

    @Test
    void aLonePutWritesWhatACommitOfOnePutWrites() throws Exception {
        Namespace viaSet = NS;
        Namespace viaCommit = Namespace.of("twin");
        Object[][] steps = {
            {"a", "1", 0L},
            {"a", "2", 60_000L},
            {"a", "3", 0L},
            {"t", "x", 1L},
            null,
            {"t", "back", 0L},
            {"u", "y", 60_000L},
            {"u", "z", 60_000L},
            {"u", "w", 0L}
        };
        for (Object[] step : steps) {
            if (step == null) {
                Thread.sleep(5); // "t" expires: the next put of it meets an expired leftover
                continue;
            }
            String key = (String) step[0];
            long ttl = (Long) step[2];
            long v = backend.set(viaSet, key, b((String) step[1]), ttl);
            // A 1 ms expiry may pass before the next look: the hash is then gone, as it should be.
            boolean mayHaveExpired = ttl == 1;
            if (!mayHaveExpired) {
                assertThat(raw.hget(data(viaSet, 0, key), "r")).isEqualTo(Long.toString(v));
            }
            // A precondition that holds keeps the twin on the general COMMIT script.
            backend.commit(
                    viaCommit,
                    new Commit(
                            List.of(new Precondition("never-written", KeyValueStore.ABSENT)),
                            List.of(new Write.Put(key, b((String) step[1]), ttl))));
            if (!mayHaveExpired) {
                assertThat(shape(viaSet, key)).as("after putting %s", key).isEqualTo(shape(viaCommit, key));
            }
        }
        List<Recorder.Change> seen = events.await(2 * (steps.length - 1) + 2);
        assertThat(seen.stream()
                        .filter(c -> c.ns().equals("notes"))
                        .map(c -> c.type() + " " + c.key())
                        .toList())
                .isEqualTo(seen.stream()
                        .filter(c -> c.ns().equals("twin"))
                        .map(c -> c.type() + " " + c.key())
                        .toList())
                .contains("EXPIRE t");
        assertThat(seen.stream()
                        .filter(c -> c.ns().equals("notes") && c.type() == ChangeType.SET)
                        .map(Recorder.Change::version)
                        .toList())
                .isSorted()
                .doesNotHaveDuplicates()
                .hasSize(steps.length - 1);
    }

    /**
     * setAll's script ({@link LuaScript#PUT_ALL}) must leave what the general COMMIT leaves for the same
     * batch, in a scope without expiries (where it learns presence from HSET) and in one with expiries
     * (where it reads the index): same hashes, Redis expiries and index entries, same events in the same
     * order, same versions drawn. The twin scope is forced through COMMIT by a precondition that holds.
     */
    @Test
    void aBatchOfDistinctPutsWritesWhatTheGeneralCommitWrites() throws Exception {
        Namespace viaPutAll = NS;
        Namespace viaCommit = Namespace.of("twin");
        // setAll's shape: one ttl per batch.
        List<List<Object[]>> batches = List.of(
                List.of(new Object[] {"a", "1", 0L}, new Object[] {"b", "1", 0L}),
                // No key expires yet: an overwrite and a new key, then the same with an expiry.
                List.of(new Object[] {"a", "2", 0L}, new Object[] {"c", "1", 0L}),
                List.of(new Object[] {"b", "2", 60_000L}, new Object[] {"d", "1", 60_000L}),
                // Now keys expire and the index is read: "b" loses its expiry, "t" gets a short one.
                List.of(new Object[] {"b", "3", 0L}, new Object[] {"a", "3", 0L}),
                List.<Object[]>of(new Object[] {"t", "1", 1L}),
                List.of(), // "t" expires before the next batch meets it as a leftover
                List.of(new Object[] {"t", "2", 0L}, new Object[] {"c", "2", 0L}, new Object[] {"e", "1", 0L}));
        long lastVersion = 0;
        for (List<Object[]> batch : batches) {
            if (batch.isEmpty()) {
                Thread.sleep(5);
                continue;
            }
            List<Write> puts = new ArrayList<>();
            for (Object[] p : batch) {
                puts.add(new Write.Put((String) p[0], b((String) p[1]), (Long) p[2]));
            }
            Map<String, Long> fast = Backends.versions(backend, viaPutAll, new Commit(List.of(), puts));
            Map<String, Long> general = Backends.versions(
                    backend,
                    viaCommit,
                    new Commit(List.of(new Precondition("never-written", KeyValueStore.ABSENT)), puts));
            assertThat(fast.keySet()).containsExactlyElementsOf(general.keySet());
            assertThat(List.copyOf(fast.values()))
                    .isSorted()
                    .doesNotHaveDuplicates()
                    .allMatch(v -> v > 0);
            assertThat(fast.values().iterator().next()).isGreaterThan(lastVersion);
            if ((Long) batch.get(0)[2] != 1L) { // a 1 ms expiry may pass before the look
                assertThat(raw.hget(data(viaPutAll, 0, (String) batch.get(0)[0]), "r"))
                        .isEqualTo(Long.toString(fast.values().iterator().next()));
            }
            lastVersion = general.values().stream().max(Long::compare).orElseThrow();
            for (Object[] p : batch) {
                String key = (String) p[0];
                if ((Long) p[2] != 1L) {
                    assertThat(shape(viaPutAll, key))
                            .as("%s after %s", key, batch.indexOf(p))
                            .isEqualTo(shape(viaCommit, key));
                }
            }
        }
        List<Recorder.Change> seen = events.await(2 * 12 + 2);
        assertThat(seen.stream()
                        .filter(c -> c.ns().equals(viaPutAll.path()))
                        .map(c -> c.type() + " " + c.key())
                        .toList())
                .isEqualTo(seen.stream()
                        .filter(c -> c.ns().equals("twin"))
                        .map(c -> c.type() + " " + c.key())
                        .toList())
                .containsSubsequence("EXPIRE t", "SET t");
        assertThat(raw.zrange(prefix + "{" + viaPutAll.path() + "}#l:0", 0, -1))
                .containsExactlyElementsOf(raw.zrange(prefix + "{twin}#l:0", 0, -1))
                .containsExactly("a", "b", "c", "d", "e", "t");
    }

    /** The put-only script reads scores and writes both indexes in chunks; a batch larger than two proves each. */
    @Test
    void largePutOnlyBatchesIndexEveryKey() throws Exception {
        int n = 2 * LuaScript.SCORE_CHUNK + 500;
        Map<String, byte[]> first = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            first.put("k" + i, b("v" + i));
        }
        // No key of the scope expires: presence comes from HSET, every key is new.
        Map<String, Long> v1 = Backends.versions(backend, NS, new Commit(List.of(), puts(first, 0)));
        assertThat(raw.zcard(index())).isEqualTo(n);
        assertThat(raw.zcard(listing())).isEqualTo(n);

        backend.set(NS, "short", b("s"), 1);
        Thread.sleep(5);
        // Now a key expires: scores are read in chunks, "short" is an expired leftover, all get an expiry.
        Map<String, byte[]> second = new LinkedHashMap<>(first);
        second.put("short", b("again"));
        second.put("k" + n, b("new"));
        Map<String, Long> v2 = Backends.versions(backend, NS, new Commit(List.of(), puts(second, 60_000)));

        assertThat(v2.get("k0")).isGreaterThan(v1.get("k" + (n - 1)));
        long live = n + 2L;
        assertThat(backend.count(NS, GlobPattern.compile("*"))).isEqualTo(live);
        assertThat(raw.zcard(index())).isEqualTo(live);
        assertThat(raw.zcard(listing())).isEqualTo(live);
        assertThat(raw.zcount(index(), 0, (double) LuaScript.NO_EXPIRY_SCORE - 1))
                .isEqualTo(live);
        assertThat(raw.pttl(data("k" + (n - 1)))).isPositive();
        assertThat(backend.get(NS, "short").value()).isEqualTo(b("again"));
        assertThat(backend.get(NS, "k" + n).version()).isEqualTo(v2.get("k" + n));
        List<Recorder.Change> seen = events.await(n + 1 + 1 + (n + 2));
        assertThat(seen.stream().filter(c -> c.type() == ChangeType.EXPIRE).map(Recorder.Change::key))
                .containsExactly("short");
    }

    private static List<Write> puts(Map<String, byte[]> entries, long ttl) {
        List<Write> out = new ArrayList<>(entries.size());
        entries.forEach((k, v) -> out.add(new Write.Put(k, v, ttl)));
        return out;
    }

    @Test
    void onlyDistinctPutsOfOneTtlTakeThePutOnlyScript() {
        Write a = new Write.Put("a", b("1"), 0);
        Write b = new Write.Put("b", b("1"), 0);
        assertThat(RedisWrites.distinctPutsOfOneTtl(List.of(a))).isTrue();
        assertThat(RedisWrites.distinctPutsOfOneTtl(List.of(a, b))).isTrue();
        assertThat(RedisWrites.distinctPutsOfOneTtl(
                        List.of(new Write.Put("a", b("1"), 5), new Write.Put("b", b("1"), 5))))
                .isTrue();
        // A negative ttl other than KEEP_EXPIRY is no time to live at all: refused, not taken for "never".
        assertThatThrownBy(() -> RedisWrites.distinctPutsOfOneTtl(List.of(a, new Write.Put("b", b("1"), -2))))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("ttl");
        // Keeping each key's expiry is per key: the general commit does it.
        assertThat(RedisWrites.distinctPutsOfOneTtl(List.of(a, new Write.Put("b", b("1"), Write.KEEP_EXPIRY))))
                .isFalse();
        assertThat(RedisWrites.distinctPutsOfOneTtl(List.of(new Write.Put("b", b("1"), Write.KEEP_EXPIRY))))
                .isFalse();
        assertThat(RedisWrites.distinctPutsOfOneTtl(List.of(a, new Write.Put("b", b("1"), 5))))
                .isFalse();
        assertThat(RedisWrites.distinctPutsOfOneTtl(List.of(a, new Write.Put("a", b("2"), 0))))
                .isFalse();
        assertThat(RedisWrites.distinctPutsOfOneTtl(List.of(a, new Write.Remove("b"))))
                .isFalse();
    }

    @Test
    void aLonePutKeepsTheQuotaRules() throws Exception {
        backend.close();
        backend = Backends.open(Map.of("keyPrefix", prefix, "sweepInterval", "1h", "maxKeys", "2"), events);
        backend.set(NS, "a", b("1"), 1);
        backend.set(NS, "b", b("2"), 0);
        Thread.sleep(5);
        // "a" expired: it no longer counts, so "c" fits and "a" is a new key again.
        backend.set(NS, "c", b("3"), 0);
        assertThatThrownBy(() -> backend.set(NS, "a", b("again"), 0))
                .isInstanceOf(QuotaExceededException.class)
                .hasMessageContaining("'a'");
        // Live keys may be overwritten at the limit, with or without an expiry.
        backend.set(NS, "b", b("2b"), 60_000);
        backend.set(NS, "c", b("3b"), 0);
        // An index entry whose hash has no version is not a live key, for a lone put as for a commit.
        raw.hdel(data("c"), "r");
        assertThatThrownBy(() -> backend.set(NS, "c", b("x"), 0)).isInstanceOf(QuotaExceededException.class);
        assertThatThrownBy(() -> backend.commit(NS, new Commit(List.of(), List.of(new Write.Put("c", b("x"), 0)))))
                .isInstanceOf(QuotaExceededException.class);
        assertThat(raw.hget(data("c"), "v")).isEqualTo("3b");
    }

    @Test
    void pipelinedReadsFindWhatTheScriptsWroteUnderCraftedNames() {
        backend.close();
        String odd = prefix + "\u00fc\uD83D\uDE00[*]:";
        backend = Backends.open(Map.of("keyPrefix", odd, "sweepInterval", "1h"), events);
        try {
            for (Namespace ns : List.of(
                    Namespace.of("a.b-c_1"),
                    Namespace.of("a").child("b"),
                    Namespace.of("a").child("b").child("0"))) {
                for (String key : List.of("k", "a:b", "\u00e9t\u00e9 \uD83D\uDE00", "x{y}#z", "*?[")) {
                    long v = backend.set(ns, key, b(ns + key), 0);
                    BackendEntry e = backend.get(ns, key);
                    assertThat(e.value()).isEqualTo(b(ns + key));
                    assertThat(e.version()).isEqualTo(v);
                    assertThat(backend.cachedGeneration(ns).toString()).isEqualTo(odd + "{" + ns.path() + "}:0:");
                    assertThat(raw.exists((backend.cachedGeneration(ns) + key).getBytes(StandardCharsets.UTF_8)))
                            .isTrue();
                }
            }
        } finally {
            Backends.purge(RedisServers.sharedPort(), odd);
        }
    }

    @Test
    void readsSeeAClearByAnotherProcessAtOnce() {
        RedisStorageBackend other = Backends.open(Map.of("keyPrefix", prefix, "sweepInterval", "1h"), new Recorder());
        try {
            backend.set(NS, "k", b("1"), 0);
            assertThat(backend.get(NS, "k")).isNotNull();
            assertThat(backend.cachedGeneration(NS).toString()).isEqualTo(prefix + "{notes}:0:");
            other.clear(NS);
            // The generation this backend tried is stale: the read notices and asks the script.
            assertThat(backend.get(NS, "k")).isNull();
            assertThat(backend.cachedGeneration(NS).toString()).isEqualTo(prefix + "{notes}:1:");
            other.set(NS, "k", b("2"), 0);
            assertThat(backend.get(NS, "k").value()).isEqualTo(b("2"));
            other.clear(NS);
            other.set(NS, "k", b("3"), 60_000);
            assertThat(backend.get(NS, "k").value()).isEqualTo(b("3"));
            assertThat(backend.cachedGeneration(NS).toString()).isEqualTo(prefix + "{notes}:2:");
        } finally {
            other.close();
        }
    }

    @Test
    void getValueSeesAClearByAnotherProcessAtOnce() {
        RedisStorageBackend other = Backends.open(Map.of("keyPrefix", prefix, "sweepInterval", "1h"), new Recorder());
        try {
            backend.set(NS, "k", b("1"), 0);
            assertThat(backend.getValue(NS, "k")).isEqualTo(b("1"));
            assertThat(backend.cachedGeneration(NS).toString()).isEqualTo(prefix + "{notes}:0:");
            other.clear(NS);
            // A leftover of the retired generation not yet unlinked: the stale generation must not read it.
            raw.hset(data("k"), Map.of("v", "old", "r", "1", "e", "0"));
            assertThat(backend.getValue(NS, "k")).isNull();
            assertThat(backend.cachedGeneration(NS).toString()).isEqualTo(prefix + "{notes}:1:");
            other.set(NS, "k", b("2"), 0);
            assertThat(backend.getValue(NS, "k")).isEqualTo(b("2"));
            other.clear(NS);
            other.set(NS, "k", b("3"), 60_000);
            assertThat(backend.getValue(NS, "k")).isEqualTo(b("3"));
            assertThat(backend.cachedGeneration(NS).toString()).isEqualTo(prefix + "{notes}:2:");
        } finally {
            other.close();
        }
    }

    @Test
    void getValueTreatsAHashWithoutItsValueAsAbsent() {
        backend.set(NS, "k", b("1"), 0);
        // What increment leaves when Redis lost the hash but not the index entry: r and e, no v.
        raw.del(data("k"));
        raw.hset(data("k"), Map.of("r", "7", "e", "0"));
        assertThat(backend.getValue(NS, "k")).isNull();
        assertThat(backend.get(NS, "k")).isNull();
    }

    @Test
    void theScopeCacheIsBounded() {
        for (int i = 0; i < Scopes.MAX_CACHED_SCOPES + 10; i++) {
            assertThat(backend.get(NS.child("b" + i), "k")).isNull();
            assertThat(backend.cachedScopes()).isBetween(1, Scopes.MAX_CACHED_SCOPES);
        }
        // A scope dropped from the cache and built again still reads right.
        backend.set(NS.child("b0"), "k", b("v"), 0);
        assertThat(backend.get(NS.child("b0"), "k").value()).isEqualTo(b("v"));
    }

    // ------------------------------------------------------------------ getAll as a transaction

    private static void assertSameEntries(List<BackendEntry> actual, List<BackendEntry> expected) {
        assertThat(actual)
                .extracting(BackendEntry::key)
                .containsExactlyElementsOf(
                        expected.stream().map(BackendEntry::key).toList());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i).value()).isEqualTo(expected.get(i).value());
            assertThat(actual.get(i).version()).isEqualTo(expected.get(i).version());
            assertThat(actual.get(i).expiresAtMillis())
                    .isEqualTo(expected.get(i).expiresAtMillis());
        }
    }

    @Test
    void getAllAnswersWhatTheScriptAnswersOnTheSameData() {
        long forever = backend.set(NS, "forever", b("f"), 0);
        long later = backend.set(NS, "later", b("l"), 60_000);
        backend.set(NS, "deleted", b("d"), 0);
        backend.delete(NS, "deleted");
        backend.set(NS, "overwritten", b("1"), 60_000);
        long over = backend.set(NS, "overwritten", b("2"), 0);
        String odd = "\u00e9t\u00e9 \uD83D\uDE00:x{y}#z*?[";
        backend.set(NS, odd, b("o"), 0);
        backend.set(NS.child("child"), "absent", b("not here"), 0);
        // A hash without a version is not a key, for either path.
        raw.hset(data("noversion"), Map.of("v", "x", "e", "0"));
        List<String> keys = List.of("later", "absent", "forever", "deleted", odd, "overwritten", "noversion", "later");

        List<BackendEntry> viaScript = backend.readByScript(NS, keys);
        List<BackendEntry> viaTransaction = backend.read(NS, keys);
        assertSameEntries(viaTransaction, viaScript);
        assertThat(viaTransaction)
                .extracting(BackendEntry::key)
                .containsExactly("later", "forever", odd, "overwritten", "later");
        assertThat(viaTransaction)
                .extracting(BackendEntry::version)
                .containsExactly(later, forever, viaTransaction.get(2).version(), over, later);
        assertThat(viaTransaction.get(0).expiresAtMillis()).isEqualTo(Long.parseLong(raw.hget(data("later"), "e")));
        assertThat(viaTransaction.get(1).expiresAtMillis()).isEqualTo(StorageBackend.NO_EXPIRY);
        assertThat(viaTransaction.get(3).expiresAtMillis()).isEqualTo(StorageBackend.NO_EXPIRY);
    }

    @Test
    void getAllNeverReturnsAnExpiredKey() throws Exception {
        backend.set(NS, "short", b("s"), 50);
        backend.set(NS, "long", b("l"), 60_000);
        long e = Long.parseLong(raw.hget(data("short"), "e"));
        // Wait on the server's clock (the one that decides), without touching the key.
        while (serverNow() <= e) {
            Thread.sleep(5);
        }
        assertThat(backend.read(NS, List.of("short", "long")))
                .extracting(BackendEntry::key)
                .containsExactly("long");
        assertThat(backend.readByScript(NS, List.of("short", "long")))
                .extracting(BackendEntry::key)
                .containsExactly("long");
    }

    @Test
    void getAllNeverReadsAnotherScopeOrAPrefixOfIt() {
        List<Namespace> scopes = List.of(
                Namespace.of("a"),
                Namespace.of("a-b"),
                Namespace.of("ab"),
                Namespace.of("a").child("b"));
        for (Namespace ns : scopes) {
            backend.set(ns, "k", b(ns.path()), 0);
            backend.set(ns, "only-" + ns.path().replace('/', '_'), b(ns.path()), 0);
        }
        List<String> asked = new ArrayList<>(List.of("k", "}:k", "b}:0:k", "b:k"));
        for (Namespace ns : scopes) {
            asked.add("only-" + ns.path().replace('/', '_'));
        }
        for (Namespace ns : scopes) {
            List<BackendEntry> got = backend.read(ns, asked);
            assertThat(got)
                    .extracting(BackendEntry::key)
                    .containsExactly("k", "only-" + ns.path().replace('/', '_'));
            assertThat(got).allSatisfy(x -> assertThat(x.value()).isEqualTo(b(ns.path())));
        }
    }

    @Test
    void getAllSeesAClearByAnotherProcessAtOnce() {
        RedisStorageBackend other = Backends.open(Map.of("keyPrefix", prefix, "sweepInterval", "1h"), new Recorder());
        try {
            backend.set(NS, "k", b("1"), 0);
            backend.set(NS, "j", b("1"), 0);
            assertThat(backend.read(NS, List.of("k", "j"))).hasSize(2);
            assertThat(backend.cachedGeneration(NS).toString()).isEqualTo(prefix + "{notes}:0:");
            other.clear(NS);
            // A leftover of the retired generation not yet unlinked: the stale generation must not read it.
            raw.hset(data("k"), Map.of("v", "old", "r", "1", "e", "0"));
            assertThat(backend.read(NS, List.of("k", "j"))).isEmpty();
            assertThat(backend.cachedGeneration(NS).toString()).isEqualTo(prefix + "{notes}:1:");
            other.set(NS, "k", b("2"), 0);
            assertThat(backend.read(NS, List.of("k", "j")))
                    .extracting(x -> new String(x.value(), StandardCharsets.UTF_8))
                    .containsExactly("2");
            other.clear(NS);
            other.set(NS, "j", b("3"), 60_000);
            assertThat(backend.read(NS, List.of("k", "j")))
                    .extracting(BackendEntry::key)
                    .containsExactly("j");
            assertThat(backend.cachedGeneration(NS).toString()).isEqualTo(prefix + "{notes}:2:");
        } finally {
            other.close();
        }
    }

    @Test
    void getAllIsOneSnapshotWhileBatchesCommit() throws Exception {
        // Enough long keys that the request spans several of Redis's 16 KiB reads: a plain pipeline could
        // then interleave another client's batch between its commands, a transaction cannot.
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            keys.add(String.format("snapshot/%04d/", i) + "x".repeat(60));
        }
        RedisStorageBackend writer = Backends.open(Map.of("keyPrefix", prefix, "sweepInterval", "1h"), new Recorder());
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<Throwable> failed =
                new java.util.concurrent.atomic.AtomicReference<>();
        java.util.function.IntFunction<List<Write>> batch = i -> keys.stream()
                .map(k -> (Write) new Write.Put(k, b(Integer.toString(i)), 0))
                .toList();
        writer.commit(NS, new Commit(List.of(), batch.apply(-1)));
        Thread t = new Thread(
                () -> {
                    try {
                        for (int i = 0; !done.get() && i < 1_000_000; i++) {
                            writer.commit(NS, new Commit(List.of(), batch.apply(i)));
                        }
                    } catch (Throwable e) {
                        failed.set(e);
                    }
                },
                "batch-writer");
        t.start();
        try {
            // Each batch writes every key atomically: a snapshot never mixes two batches.
            for (int i = 0; i < 300; i++) {
                List<BackendEntry> got = backend.read(NS, keys);
                assertThat(got).hasSize(keys.size());
                String first = new String(got.get(0).value(), StandardCharsets.UTF_8);
                assertThat(got)
                        .extracting(x -> new String(x.value(), StandardCharsets.UTF_8))
                        .as("read %d", i)
                        .containsOnly(first);
            }
        } finally {
            done.set(true);
            t.join();
            writer.close();
        }
        assertThat(failed.get()).isNull();
    }

    @Test
    void getAllOutsideClusterIsOneTransactionAndNoScript() throws Exception {
        try (RedisServers.Server server = RedisServers.start();
                Jedis stats = new Jedis("127.0.0.1", server.port)) {
            try (RedisStorageBackend own =
                    Backends.open(Map.of("uri", server.uri(), "sweepInterval", "1h"), new Recorder())) {
                own.set(NS, "a", b("1"), 0);
                own.set(NS, "b", b("2"), 60_000);
                assertThat(own.read(NS, List.of("a", "b"))).hasSize(2);
                stats.configResetStat();
                assertThat(own.read(NS, List.of("a", "b", "c")))
                        .extracting(BackendEntry::key)
                        .containsExactly("a", "b");
                String info = stats.info("commandstats");
                assertThat(calls(info, "exec")).isEqualTo(1);
                assertThat(calls(info, "hmget")).isEqualTo(3);
                assertThat(calls(info, "evalsha") + calls(info, "eval")).isZero();
            }
        }
    }

    private static long calls(String commandStats, String command) {
        for (String line : commandStats.split("\r?\n")) {
            if (line.startsWith("cmdstat_" + command + ":calls=")) {
                String n = line.substring(("cmdstat_" + command + ":calls=").length());
                return Long.parseLong(n.substring(0, n.indexOf(',')));
            }
        }
        return 0;
    }
}
