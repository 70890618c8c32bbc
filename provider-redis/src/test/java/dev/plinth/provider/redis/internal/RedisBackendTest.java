package dev.plinth.provider.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.api.storage.InvalidArgumentException;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.NotACounterException;
import dev.plinth.api.storage.QuotaExceededException;
import dev.plinth.api.storage.StoreClosedException;
import dev.plinth.api.storage.VersionConflictException;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.CommitResult;
import dev.plinth.spi.storage.Counters;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.Precondition;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.Write;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The backend's native semantics against the shared redis-server on 127.0.0.1:6379. */
class RedisBackendTest {
    private static final Namespace NS = Namespace.of("notes");

    private final Recorder events = new Recorder();
    private String prefix;
    private RedisStorageBackend backend;

    @BeforeEach
    void open() {
        prefix = Backends.uniquePrefix();
        backend = Backends.open(Map.of("keyPrefix", prefix, "sweepInterval", "50ms"), events);
    }

    @AfterEach
    void close() {
        backend.close();
        Backends.purge(RedisServers.sharedPort(), prefix);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void setGetKeepsValueVersionAndExpiry() {
        long v1 = backend.set(NS, "a", b("one"), StorageBackend.NO_EXPIRY);
        long v2 = backend.set(NS, "a", b("two"), 60_000);
        assertThat(v2).isGreaterThan(v1).isPositive();
        BackendEntry e = backend.get(NS, "a");
        assertThat(new String(e.value(), StandardCharsets.UTF_8)).isEqualTo("two");
        assertThat(e.version()).isEqualTo(v2);
        assertThat(e.expiresAtMillis())
                .isBetween(System.currentTimeMillis() + 50_000, System.currentTimeMillis() + 61_000);
        backend.set(NS, "a", b("three"), StorageBackend.NO_EXPIRY);
        assertThat(backend.get(NS, "a").expiresAtMillis()).isEqualTo(StorageBackend.NO_EXPIRY);
        assertThat(backend.get(NS, "missing")).isNull();
        assertThat(backend.exists(NS, "a")).isTrue();
        assertThat(backend.exists(NS, "missing")).isFalse();
    }

    /** The server's clock in ms, the one the scripts compute expiries from. */
    private static long serverMillis() {
        try (redis.clients.jedis.Jedis j = new redis.clients.jedis.Jedis("127.0.0.1", RedisServers.sharedPort())) {
            List<String> t = j.time();
            return Long.parseLong(t.get(0)) * 1000 + Long.parseLong(t.get(1)) / 1000;
        }
    }

    /**
     * The longest TTL the contract allows is stored exactly by every write path: the reported expiry, the
     * hash's {@code e}, its Redis expiry and the index score are all server time + ttl, none capped.
     */
    @Test
    void aTtlOfMaxDurationIsStoredExactlyByEveryWritePath() {
        long ttl = KeyValueStore.MAX_DURATION.toMillis();
        long before = serverMillis();
        backend.set(NS, "set", b("v"), ttl);
        backend.commit(
                NS,
                new Commit(
                        List.of(new Precondition("absent", KeyValueStore.ABSENT)),
                        List.of(new Write.Put("commit", b("v"), ttl))));
        backend.commit(
                NS,
                new Commit(
                        List.of(),
                        List.of(new Write.Put("setAll1", b("v"), ttl), new Write.Put("setAll2", b("v"), ttl))));
        backend.set(NS, "expire", b("v"), 0);
        assertThat(backend.expire(NS, "expire", ttl)).isTrue();
        backend.set(NS, "counter", b("5"), ttl);
        assertThat(backend.increment(NS, "counter", 1)).isEqualTo(6);
        long after = serverMillis();
        try (redis.clients.jedis.Jedis raw = new redis.clients.jedis.Jedis("127.0.0.1", RedisServers.sharedPort())) {
            for (String key : List.of("set", "commit", "setAll1", "setAll2", "expire", "counter")) {
                long at = backend.get(NS, key).expiresAtMillis();
                assertThat(at).as(key).isBetween(before + ttl, after + ttl);
                String data = prefix + "{notes}:0:" + key;
                assertThat(raw.hget(data, "e")).as(key).isEqualTo(Long.toString(at));
                assertThat(raw.pexpireTime(data)).as(key).isEqualTo(at);
                assertThat(raw.zscore(prefix + "{notes}#x:0", key)).as(key).isEqualTo((double) at);
            }
        }
        assertThat(backend.list(NS, GlobPattern.compile("*"), null, 10)).hasSize(6);
        assertThat(backend.count(NS, GlobPattern.compile("*"))).isEqualTo(6);
    }

    /** Longer than the contract allows: refused before anything is sent, never silently capped. */
    @Test
    void aTtlOrLeaseBeyondMaxDurationIsRefusedNotCapped() {
        long tooLong = KeyValueStore.MAX_DURATION.toMillis() + 1;
        backend.set(NS, "k", b("kept"), 0);
        for (long ttl : new long[] {tooLong, Long.MAX_VALUE / 4, Long.MAX_VALUE, -2, Write.KEEP_EXPIRY}) {
            assertThatThrownBy(() -> backend.set(NS, "k", b("new"), ttl))
                    .as("%d", ttl)
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("ttl")
                    .hasMessageContaining(Long.toString(ttl));
            assertThatThrownBy(() -> backend.expire(NS, "k", ttl)).isInstanceOf(InvalidArgumentException.class);
            assertThatThrownBy(() -> backend.commit(NS, Commit.of(new Write.Expire("k", ttl))))
                    .isInstanceOf(InvalidArgumentException.class);
            if (ttl == Write.KEEP_EXPIRY) {
                continue; // a put may keep the key's expiry (commitKeepsExpiryAndExpires)
            }
            assertThatThrownBy(() -> backend.commit(
                            NS,
                            new Commit(
                                    List.of(),
                                    List.of(new Write.Put("k", b("new"), ttl), new Write.Put("j", b("new"), ttl)))))
                    .isInstanceOf(InvalidArgumentException.class);
            assertThatThrownBy(() -> backend.commit(
                            NS,
                            new Commit(List.of(), List.of(new Write.Remove("j"), new Write.Put("k", b("new"), ttl)))))
                    .isInstanceOf(InvalidArgumentException.class);
        }
        assertThatThrownBy(() -> backend.tryLock(NS, "l", "t", tooLong))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("lease");
        assertThat(backend.tryLock(NS, "l", "t", KeyValueStore.MAX_DURATION.toMillis()))
                .isTrue();
        assertThatThrownBy(() -> backend.renewLock(NS, "l", "t", tooLong)).isInstanceOf(InvalidArgumentException.class);
        assertThat(backend.unlock(NS, "l", "t")).isTrue();
        BackendEntry e = backend.get(NS, "k");
        assertThat(e.value()).isEqualTo(b("kept"));
        assertThat(e.expiresAtMillis()).isEqualTo(StorageBackend.NO_EXPIRY);
        assertThat(backend.exists(NS, "j")).isFalse();
    }

    @Test
    void binaryValuesAndOddKeysRoundTrip() {
        byte[] value = new byte[256];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) i;
        }
        String key = "k{ns}:#meta \uD83D\uDE00 *?[x]\\";
        backend.set(NS, key, value, StorageBackend.NO_EXPIRY);
        assertThat(backend.get(NS, key).value()).isEqualTo(value);
        assertThat(backend.list(NS, GlobPattern.compile("*"), null, 10)).containsExactly(key);
        backend.set(NS, "empty", new byte[0], 0);
        assertThat(backend.get(NS, "empty").value()).isEmpty();
        assertThat(backend.read(NS, List.of("empty", key, "absent")))
                .extracting(BackendEntry::key)
                .containsExactlyInAnyOrder("empty", key);
    }

    @Test
    void versionsGrowAcrossDeleteAndRecreate() {
        long v1 = backend.set(NS, "k", b("x"), StorageBackend.NO_EXPIRY);
        assertThat(backend.delete(NS, "k")).isTrue();
        assertThat(backend.delete(NS, "k")).isFalse();
        long v2 = backend.set(NS, "k", b("y"), StorageBackend.NO_EXPIRY);
        assertThat(v2).isGreaterThan(v1);
        backend.clear(NS);
        long v3 = backend.set(NS, "k", b("z"), StorageBackend.NO_EXPIRY);
        assertThat(v3).isGreaterThan(v2);
    }

    @Test
    void expiredKeyIsAbsentEverywhereAndReportedOnceAsExpire() throws Exception {
        backend.set(NS, "short", b("x"), 30);
        backend.set(NS, "long", b("y"), StorageBackend.NO_EXPIRY);
        List<Recorder.Change> seen = events.await(3);
        assertThat(seen).extracting(Recorder.Change::type).contains(ChangeType.EXPIRE);
        assertThat(seen.stream().filter(c -> c.type() == ChangeType.EXPIRE))
                .hasSize(1)
                .allSatisfy(c -> assertThat(c.key()).isEqualTo("short"));
        assertThat(backend.get(NS, "short")).isNull();
        assertThat(backend.count(NS, GlobPattern.compile("*"))).isEqualTo(1);
        assertThat(backend.compareAndSet(NS, "short", KeyValueStore.ABSENT, b("new"), 0))
                .isPositive();
    }

    @Test
    void expiryIsVisibleBeforeTheSweeperReclaims() throws Exception {
        backend.close();
        backend = Backends.open(Map.of("keyPrefix", prefix, "sweepInterval", "1h"), events);
        backend.set(NS, "gone", b("x"), 1);
        Thread.sleep(5);
        assertThat(backend.get(NS, "gone")).isNull();
        assertThat(backend.exists(NS, "gone")).isFalse();
        assertThat(backend.list(NS, GlobPattern.compile("*"), null, 10)).isEmpty();
        assertThat(backend.count(NS, GlobPattern.compile("*"))).isZero();
        assertThat(backend.expire(NS, "gone", 10_000)).isFalse();
        assertThat(backend.delete(NS, "gone")).isFalse();
    }

    @Test
    void compareAndSetAndTransactions() {
        long v = backend.set(NS, "a", b("1"), 0);
        assertThat(backend.compareAndSet(NS, "a", v + 1000, b("2"), 0)).isEqualTo(KeyValueStore.ABSENT);
        long v2 = backend.compareAndSet(NS, "a", v, b("2"), 0);
        assertThat(v2).isGreaterThan(v);
        assertThat(backend.compareAndSet(NS, "fresh", KeyValueStore.ABSENT, b("f"), 0))
                .isPositive();

        assertThatThrownBy(() -> backend.commit(
                        NS,
                        new Commit(
                                List.of(new Precondition("a", v2), new Precondition("b", 5)),
                                List.of(new Write.Put("c", b("c"), 0)))))
                .isInstanceOfSatisfying(VersionConflictException.class, e -> {
                    assertThat(e.key()).isEqualTo("b");
                    assertThat(e.expectedVersion()).isEqualTo(5);
                    assertThat(e.actualVersion()).isEqualTo(KeyValueStore.ABSENT);
                });
        assertThat(backend.exists(NS, "c")).isFalse();

        CommitResult result = backend.commit(
                NS,
                new Commit(
                        List.of(new Precondition("a", v2)),
                        List.of(
                                new Write.Put("c", b("c1"), 0),
                                new Write.Remove("a"),
                                new Write.Put("c", b("c2"), 0))));
        assertThat(result.size()).isEqualTo(3);
        assertThat(result.outcome(1)).as("the remove found a live key").isEqualTo(1);
        assertThat(result.outcome(2)).isGreaterThan(result.outcome(0)).isGreaterThan(v2);
        assertThat(backend.get(NS, "c").version()).isEqualTo(result.outcome(2));
        assertThat(new String(backend.get(NS, "c").value(), StandardCharsets.UTF_8))
                .isEqualTo("c2");
        assertThat(backend.exists(NS, "a")).isFalse();
    }

    /**
     * A commit's other two kinds of write: an Expire gives a live key a new expiry (or none) and keeps its
     * value and version, a Put with KEEP_EXPIRY keeps the live key's expiry (none for a new key); each write
     * reports whether it found its key live, a put its version.
     */
    @Test
    void commitKeepsExpiryAndExpires() {
        long v = backend.set(NS, "a", b("1"), 60_000);
        long expiresAt = backend.get(NS, "a").expiresAtMillis();
        backend.set(NS, "n", b("x"), 0);
        CommitResult r = backend.commit(
                NS,
                new Commit(
                        List.of(new Precondition("a", v)),
                        List.of(
                                new Write.Put("a", b("2"), Write.KEEP_EXPIRY),
                                new Write.Put("fresh", b("f"), Write.KEEP_EXPIRY),
                                new Write.Expire("n", 30_000),
                                new Write.Expire("absent", 30_000),
                                new Write.Remove("absent"))));
        assertThat(r.size()).isEqualTo(5);
        assertThat(r.outcome(0)).isGreaterThan(v);
        assertThat(r.outcome(1)).isEqualTo(r.outcome(0) + 1);
        assertThat(r.outcome(2)).isEqualTo(1);
        assertThat(r.outcome(3)).isZero();
        assertThat(r.outcome(4)).isZero();
        BackendEntry a = backend.get(NS, "a");
        assertThat(a.value()).isEqualTo(b("2"));
        assertThat(a.version()).isEqualTo(r.outcome(0));
        assertThat(a.expiresAtMillis()).isEqualTo(expiresAt);
        assertThat(backend.get(NS, "fresh").expiresAtMillis()).isEqualTo(StorageBackend.NO_EXPIRY);
        BackendEntry n = backend.get(NS, "n");
        assertThat(n.version()).as("an expire keeps the version").isLessThan(r.outcome(0));
        assertThat(n.value()).isEqualTo(b("x"));
        assertThat(n.expiresAtMillis()).isGreaterThan(System.currentTimeMillis() + 20_000);
        assertThat(backend.exists(NS, "absent")).isFalse();

        // Expire to never, and an expire after a remove in the same commit finds nothing.
        CommitResult r2 = backend.commit(
                NS,
                new Commit(
                        List.of(),
                        List.of(new Write.Expire("a", 0), new Write.Remove("n"), new Write.Expire("n", 5_000))));
        assertThat(r2.toString()).isEqualTo("CommitResult[1, 1, 0]");
        assertThat(backend.get(NS, "a").expiresAtMillis()).isEqualTo(StorageBackend.NO_EXPIRY);
        assertThat(backend.get(NS, "a").version()).isEqualTo(r.outcome(0));
        assertThat(backend.exists(NS, "n")).isFalse();
        assertThat(backend.list(NS, GlobPattern.compile("*"), null, 10)).containsExactly("a", "fresh");
        assertThat(backend.count(NS, GlobPattern.compile("*"))).isEqualTo(2);
    }

    /** A commit of preconditions only checks them and changes nothing. */
    @Test
    void aCommitWithoutWritesOnlyChecks() {
        long v = backend.set(NS, "a", b("1"), 0);
        assertThat(backend.commit(
                                NS,
                                new Commit(
                                        List.of(new Precondition("a", v), new Precondition("b", KeyValueStore.ABSENT)),
                                        List.of()))
                        .size())
                .isZero();
        assertThatThrownBy(() -> backend.commit(NS, new Commit(List.of(new Precondition("a", v + 1)), List.of())))
                .isInstanceOf(VersionConflictException.class);
        assertThat(backend.get(NS, "a").version()).isEqualTo(v);
    }

    @Test
    void incrementKeepsExpiryAndRejectsNonCounters() {
        assertThat(backend.increment(NS, "n", 5)).isEqualTo(5);
        assertThat(backend.increment(NS, "n", -7)).isEqualTo(-2);
        backend.expire(NS, "n", 60_000);
        assertThat(backend.increment(NS, "n", 2)).isZero();
        assertThat(backend.get(NS, "n").expiresAtMillis()).isPositive();
        assertThat(new String(backend.get(NS, "n").value(), StandardCharsets.UTF_8))
                .isEqualTo("0");

        backend.set(NS, "big", b(Long.toString(Long.MAX_VALUE - 1)), 0);
        assertThat(backend.increment(NS, "big", 1)).isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(() -> backend.increment(NS, "big", 1))
                .isInstanceOf(NotACounterException.class)
                .hasMessageContaining("overflow");
        backend.set(NS, "text", b("abc"), 0);
        long before = backend.get(NS, "text").version();
        assertThatThrownBy(() -> backend.increment(NS, "text", 1))
                .isInstanceOf(NotACounterException.class)
                .hasMessageContaining("text");
        assertThat(backend.get(NS, "text").version()).isEqualTo(before);
    }

    /** Counter texts at the edges of the rule, and of what a lenient parser would take. */
    private static final List<String> COUNTER_EDGES = List.of(
            "0",
            "-0",
            "00",
            "007",
            "-007",
            "+5",
            "+0",
            " 5",
            "5 ",
            "\t5",
            "5\n",
            "0x10",
            "1e3",
            "5.0",
            "5.",
            ".5",
            "-",
            "--5",
            "",
            "+",
            "1_000",
            "1,000",
            "NaN",
            "inf",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "99999999999999999999",
            "-99999999999999999999",
            "12345678901234567890",
            "123456789012345678901",
            "09223372036854775807",
            "-09223372036854775808",
            "18446744073709551615",
            "\u0661\u0662",
            "\uFF15",
            "5\u0000",
            "\u00005",
            "-\u0661",
            "1\u00A0");

    private static String randomCounterText(java.util.Random r) {
        switch (r.nextInt(4)) {
            case 0: {
                // A real long, sometimes bent: a sign, a leading zero, a space, a digit more.
                String t = Long.toString(r.nextInt(3) == 0 ? r.nextLong() : r.nextInt(2001) - 1000);
                switch (r.nextInt(6)) {
                    case 0:
                        return "+" + t;
                    case 1:
                        return t.startsWith("-") ? "-0" + t.substring(1) : "0" + t;
                    case 2:
                        return t + r.nextInt(10);
                    case 3:
                        return r.nextBoolean() ? " " + t : t + " ";
                    default:
                        return t;
                }
            }
            case 1: {
                // Near the ends of the range, where overflow is decided.
                long base = r.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE;
                java.math.BigInteger v =
                        java.math.BigInteger.valueOf(base).add(java.math.BigInteger.valueOf(r.nextInt(21) - 10));
                return v.toString();
            }
            default: {
                String alphabet = "0123456789000--+ .ex\u0661";
                int n = r.nextInt(23);
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < n; i++) {
                    b.append(alphabet.charAt(r.nextInt(alphabet.length())));
                }
                return b.toString();
            }
        }
    }

    /**
     * Redis's increment accepts exactly what {@link Counters#parse} accepts, with the same value, refuses
     * the same sums as {@link Counters#add}, words its refusals as Counters does, and leaves a refused value
     * as it was.
     */
    @Test
    void incrementAcceptsAndRefusesExactlyWhatCountersDoes() {
        java.util.Random random = new java.util.Random(14);
        List<String> texts = new ArrayList<>(COUNTER_EDGES);
        for (int i = 0; i < 1500; i++) {
            texts.add(randomCounterText(random));
        }
        long[] deltas = {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, 10};
        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < texts.size(); i++) {
            byte[] stored = b(texts.get(i));
            long delta = deltas[i % deltas.length];
            String key = "c" + (i % 50);
            backend.set(NS, key, stored, 0);
            Long expected;
            String expectedMessage = null;
            try {
                expected = Counters.add(key, Counters.parse(key, stored), delta);
            } catch (NotACounterException e) {
                expected = null;
                expectedMessage = e.getMessage();
            }
            String what = "increment of '" + texts.get(i).replace("\u0000", "\\0") + "' by " + delta;
            if (expected != null) {
                assertThat(backend.increment(NS, key, delta)).as(what).isEqualTo(expected);
                assertThat(backend.get(NS, key).value()).as(what).isEqualTo(Counters.format(expected));
                accepted++;
            } else {
                String message = expectedMessage;
                assertThatThrownBy(() -> backend.increment(NS, key, delta))
                        .as(what)
                        .isInstanceOf(NotACounterException.class)
                        .hasMessage(message);
                assertThat(backend.get(NS, key).value()).as(what).isEqualTo(stored);
                refused++;
            }
        }
        // Both verdicts were exercised often.
        assertThat(accepted).isGreaterThan(300);
        assertThat(refused).isGreaterThan(300);
    }

    /**
     * Callers interrupted while they wait for one of too few pooled connections get at most an exception
     * for their own call, saying so and keeping their interrupt; everyone else is served throughout.
     */
    @Test
    void interruptedCallersFailAloneAndKeepTheirInterrupt() throws Exception {
        try (RedisStorageBackend small = Backends.open(Map.of("keyPrefix", prefix, "poolSize", "2"), events)) {
            int workers = 8;
            java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(workers);
            List<Throwable> unexpected = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.concurrent.atomic.AtomicInteger interruptedFailures =
                    new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
            List<Thread> victims = new ArrayList<>();
            List<Thread> all = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                boolean victim = w % 2 == 0;
                int id = w;
                Thread t = new Thread(
                        () -> {
                            try {
                                for (int i = 0; i < 300; i++) {
                                    try {
                                        if (i % 2 == 0) {
                                            small.set(NS, "w" + id, b(Integer.toString(i)), 0);
                                        } else {
                                            small.get(NS, "w" + id);
                                        }
                                        calls.incrementAndGet();
                                    } catch (RuntimeException e) {
                                        boolean kept = Thread.currentThread().isInterrupted();
                                        if (victim
                                                && kept
                                                && e instanceof dev.plinth.api.storage.StorageException
                                                && e.getMessage().contains("nterrupted")) {
                                            interruptedFailures.incrementAndGet();
                                        } else {
                                            unexpected.add(e);
                                        }
                                    }
                                    Thread.interrupted();
                                }
                            } finally {
                                done.countDown();
                            }
                        },
                        "worker-" + w);
                all.add(t);
                if (victim) {
                    victims.add(t);
                }
            }
            all.forEach(Thread::start);
            while (done.getCount() > 0) {
                victims.forEach(Thread::interrupt);
                Thread.sleep(1);
            }
            for (Thread t : all) {
                t.join();
            }
            assertThat(unexpected)
                    .as("failures other than an interrupted caller's own")
                    .isEmpty();
            assertThat(interruptedFailures.get() + calls.get()).isEqualTo(workers * 300);
            System.out.printf(
                    "interrupts: %d calls completed, %d interrupted callers failed%n",
                    calls.get(), interruptedFailures.get());
            // Still serving every caller.
            for (int w = 0; w < workers; w++) {
                long v = small.set(NS, "w" + w, b("after"), 0);
                assertThat(small.get(NS, "w" + w).version()).isEqualTo(v);
            }
        }
    }

    @Test
    void quotaCountsLiveKeysAndAllowsOverwrite() {
        backend.close();
        backend = Backends.open(Map.of("keyPrefix", prefix, "maxKeys", "2"), events);
        backend.set(NS, "a", b("1"), 0);
        backend.set(NS, "b", b("2"), 0);
        assertThatThrownBy(() -> backend.set(NS, "c", b("3"), 0))
                .isInstanceOf(QuotaExceededException.class)
                .hasMessageContaining("'c'");
        assertThatThrownBy(() -> backend.increment(NS, "d", 1)).isInstanceOf(QuotaExceededException.class);
        assertThatThrownBy(() -> backend.commit(NS, new Commit(List.of(), List.of(new Write.Put("x", b("x"), 0)))))
                .isInstanceOf(QuotaExceededException.class);
        backend.set(NS, "a", b("again"), 0);
        backend.commit(NS, new Commit(List.of(), List.of(new Write.Remove("a"), new Write.Put("c", b("3"), 0))));
        assertThat(backend.list(NS, GlobPattern.compile("*"), null, 10)).containsExactly("b", "c");
        // Another scope has its own quota.
        backend.set(NS.child("sub"), "a", b("1"), 0);
    }

    @Test
    void listsInUtf8OrderWithPagingAndPrefixes() {
        List<String> keys = List.of("b", "a", "a:1", "a:2", "\uFFFD", "\uD83D\uDE00", "ab", "a*", "c%");
        for (String k : keys) {
            backend.set(NS, k, b(k), 0);
        }
        List<String> sorted = new ArrayList<>(keys);
        sorted.sort(dev.plinth.spi.storage.KeyRules.UTF8_ORDER);
        List<String> all = new ArrayList<>();
        String after = null;
        List<String> page;
        do {
            page = backend.list(NS, GlobPattern.compile("*"), after, 2);
            all.addAll(page);
            after = page.isEmpty() ? null : page.get(page.size() - 1);
        } while (page.size() == 2);
        assertThat(all).isEqualTo(sorted);
        assertThat(backend.list(NS, GlobPattern.compile("a*"), null, 10))
                .containsExactly("a", "a*", "a:1", "a:2", "ab");
        assertThat(backend.list(NS, GlobPattern.compile("a\\*"), null, 10)).containsExactly("a*");
        assertThat(backend.list(NS, GlobPattern.compile("a:?"), "a:1", 10)).containsExactly("a:2");
        assertThat(backend.list(NS, GlobPattern.compile("*b"), null, 10)).containsExactly("ab", "b");
        assertThat(backend.list(NS, GlobPattern.compile("a:*"), null, 2)).containsExactly("a:1", "a:2");
        assertThat(backend.list(NS, GlobPattern.compile("a:*"), "a:2", 2)).isEmpty();
        assertThat(backend.count(NS, GlobPattern.compile("a*"))).isEqualTo(5);
        assertThat(backend.deleteMatching(NS, GlobPattern.compile("a:*"))).isEqualTo(2);
        assertThat(backend.count(NS, GlobPattern.compile("*"))).isEqualTo(7);
    }

    @Test
    void scopesNeverSeeEachOther() {
        Namespace a = Namespace.of("a");
        List<Namespace> others =
                List.of(Namespace.of("a-b"), Namespace.of("a.b"), a.child("b"), Namespace.of("ab"), Namespace.of("a_"));
        for (Namespace o : others) {
            backend.set(o, "k", b(o.path()), 0);
            backend.set(o, "}:k", b(o.path()), 0);
        }
        backend.set(a, "k", b("a"), 0);
        assertThat(backend.list(a, GlobPattern.compile("*"), null, 100)).containsExactly("k");
        assertThat(backend.count(a, GlobPattern.compile("*"))).isEqualTo(1);
        assertThat(backend.deleteMatching(a, GlobPattern.compile("*"))).isEqualTo(1);
        backend.set(a, "k", b("a"), 0);
        backend.clear(a);
        assertThat(backend.get(a, "k")).isNull();
        for (Namespace o : others) {
            assertThat(backend.get(o, "k").value()).isEqualTo(b(o.path()));
            assertThat(backend.list(o, GlobPattern.compile("*"), null, 10)).containsExactly("k", "}:k");
        }
    }

    @Test
    void dataKeysCannotForgeMetadataOrLocks() {
        backend.set(NS, "#g", b("x"), 0);
        backend.set(NS, "#seq", b("x"), 0);
        backend.set(NS, "#lock:l", b("x"), 0);
        assertThat(backend.tryLock(NS, "l", "t1", 10_000)).isTrue();
        assertThat(backend.get(NS, "#lock:l").value()).isEqualTo(b("x"));
        long v = backend.set(NS, "k", b("v"), 0);
        assertThat(backend.get(NS, "k").version()).isEqualTo(v);
        backend.clear(NS);
        assertThat(backend.tryLock(NS, "l", "t2", 10_000))
                .as("clear keeps locks")
                .isFalse();
        assertThat(backend.unlock(NS, "l", "t1")).isTrue();
    }

    @Test
    void clearIsAtomicReportsOnceAndCollectsOldKeys() throws Exception {
        for (int i = 0; i < 1200; i++) {
            backend.set(NS, "k" + i, b("v"), 0);
        }
        backend.set(NS.child("child"), "kept", b("v"), 0);
        events.await(1201);
        events.clear();
        backend.clear(NS);
        assertThat(backend.count(NS, GlobPattern.compile("*"))).isZero();
        assertThat(backend.get(NS, "k1")).isNull();
        assertThat(backend.exists(NS.child("child"), "kept")).isTrue();
        List<Recorder.Change> seen = events.await(1);
        assertThat(seen).containsExactly(new Recorder.Change("notes", ChangeType.CLEAR, null, 0));
        // The retired generation is unlinked in the background, leaving only metadata and the child's keys.
        long remaining = Long.MAX_VALUE;
        for (int i = 0; i < 200 && remaining > 0; i++) {
            remaining = Backends.countKeys(RedisServers.sharedPort(), prefix + "{notes}:");
            Thread.sleep(20);
        }
        assertThat(remaining).isZero();
    }

    @Test
    void everyChangeIsReportedOnceToEachBackendInCommitOrder() throws Exception {
        Recorder other = new Recorder();
        try (RedisStorageBackend second = Backends.open(Map.of("keyPrefix", prefix), other)) {
            long v1 = backend.set(NS, "k", b("1"), 0);
            long v2 = second.set(NS, "k", b("2"), 0);
            second.delete(NS, "k");
            backend.commit(NS, new Commit(List.of(), List.of(new Write.Remove("k"), new Write.Remove("nothing"))));
            backend.clear(NS);
            List<Recorder.Change> expected = List.of(
                    new Recorder.Change("notes", ChangeType.SET, "k", v1),
                    new Recorder.Change("notes", ChangeType.SET, "k", v2),
                    new Recorder.Change("notes", ChangeType.DELETE, "k", 0),
                    new Recorder.Change("notes", ChangeType.CLEAR, null, 0));
            assertThat(events.await(4)).isEqualTo(expected);
            assertThat(other.await(4)).isEqualTo(expected);
            // A failed write reports nothing.
            backend.set(NS, "t", b("x"), 0);
            assertThatThrownBy(() -> backend.commit(
                            NS, new Commit(List.of(new Precondition("t", 1)), List.of(new Write.Put("t", b("y"), 0)))))
                    .isInstanceOf(VersionConflictException.class);
            backend.set(NS, "marker", b("m"), 0);
            assertThat(events.await(6).subList(4, 6))
                    .extracting(Recorder.Change::key)
                    .containsExactly("t", "marker");
        }
    }

    @Test
    void locksAreExclusiveAcrossBackendsAndTracked() {
        try (RedisStorageBackend second = Backends.open(Map.of("keyPrefix", prefix), new Recorder())) {
            String t1 = UUID.randomUUID().toString();
            String t2 = UUID.randomUUID().toString();
            assertThat(backend.tryLock(NS, "job", t1, 10_000)).isTrue();
            assertThat(backend.lockEntries()).isEqualTo(1);
            assertThat(second.tryLock(NS, "job", t2, 10_000)).isFalse();
            assertThat(second.renewLock(NS, "job", t2, 10_000)).isFalse();
            assertThat(second.unlock(NS, "job", t2)).isFalse();
            assertThat(second.lockEntries()).isZero();
            assertThat(backend.renewLock(NS, "job", t1, 10_000)).isTrue();
            assertThat(backend.unlock(NS, "job", t1)).isTrue();
            assertThat(backend.lockEntries()).isZero();
            assertThat(second.tryLock(NS, "job", t2, 50)).isTrue();
            assertThat(second.lockEntries()).isEqualTo(1);
            assertThat(second.unlock(NS, "job", t2)).isTrue();
            assertThat(second.lockEntries()).isZero();
        }
    }

    @Test
    void lapsedLeaseFreesTheLock() throws Exception {
        assertThat(backend.tryLock(NS, "l", "a", 20)).isTrue();
        boolean taken = false;
        for (int i = 0; i < 200 && !taken; i++) {
            Thread.sleep(10);
            taken = backend.tryLock(NS, "l", "b", 10_000);
        }
        assertThat(taken).isTrue();
        assertThat(backend.renewLock(NS, "l", "a", 10_000)).isFalse();
        assertThat(backend.unlock(NS, "l", "b")).isTrue();
        assertThat(backend.lockEntries()).isZero();
    }

    @Test
    void closedBackendThrowsAndStopsItsThreads() {
        backend.close();
        backend.close();
        assertThatThrownBy(() -> backend.get(NS, "k")).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> backend.set(NS, "k", b("v"), 0)).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> backend.list(NS, GlobPattern.compile("*"), null, 1))
                .isInstanceOf(StoreClosedException.class);
        // Tests run one at a time and each closes its backends, so no provider thread may remain.
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.getName().startsWith("plinth-redis-") && t.isAlive());
    }
}
