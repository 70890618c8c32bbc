package dev.plinth.provider.sqlite.internal;

import static dev.plinth.provider.sqlite.internal.TestBackends.present;
import static dev.plinth.provider.sqlite.internal.TestBackends.writes;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.api.storage.InvalidArgumentException;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.NotACounterException;
import dev.plinth.api.storage.QuotaExceededException;
import dev.plinth.api.storage.VersionConflictException;
import dev.plinth.provider.sqlite.internal.TestBackends.Event;
import dev.plinth.provider.sqlite.internal.TestBackends.Recorder;
import dev.plinth.spi.storage.BackendContext;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.CommitResult;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.KeyRules;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.Precondition;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.Write;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqliteBackendTest {
    private static final Namespace NS = Namespace.of("notes");
    private static final long NONE = StorageBackend.NO_EXPIRY;

    @TempDir
    Path dir;

    private final Recorder events = new Recorder();
    private SqliteStorageBackend backend;

    @BeforeEach
    void open() {
        backend = TestBackends.open(dir.resolve("kv.db"), events, "maxKeys", "0", "sweepInterval", "1h");
    }

    @AfterEach
    void close() {
        backend.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    private List<String> keys(String pattern) {
        return backend.list(NS, GlobPattern.compile(pattern), null, 10_000);
    }

    @Test
    void setThenGetReturnsValueVersionAndExpiry() {
        long before = System.currentTimeMillis();
        long v1 = backend.set(NS, "a", b("one"), NONE);
        long v2 = backend.set(NS, "b", b("two"), 60_000);

        BackendEntry a = present(backend.get(NS, "a"));
        assertThat(new String(a.value(), UTF_8)).isEqualTo("one");
        assertThat(a.version()).isEqualTo(v1).isPositive();
        assertThat(a.expiresAtMillis()).isEqualTo(NONE);
        BackendEntry bEntry = present(backend.get(NS, "b"));
        assertThat(bEntry.version()).isGreaterThan(v1).isEqualTo(v2);
        assertThat(bEntry.expiresAtMillis()).isBetween(before + 60_000, System.currentTimeMillis() + 60_000);
        assertThat(backend.get(NS, "missing")).isNull();
        assertThat(backend.exists(NS, "a")).isTrue();
        assertThat(backend.exists(NS, "missing")).isFalse();
    }

    @Test
    void emptyValueIsStoredAsEmptyNotAbsent() {
        backend.set(NS, "empty", new byte[0], NONE);
        assertThat(present(backend.get(NS, "empty")).value()).isEmpty();
        assertThat(backend.read(NS, List.of("empty")))
                .singleElement()
                .satisfies(e -> assertThat(e.value()).isEmpty());
    }

    @Test
    void versionsGrowAcrossDeleteAndRecreate() {
        long v1 = backend.set(NS, "k", b("1"), NONE);
        assertThat(backend.delete(NS, "k")).isTrue();
        assertThat(backend.delete(NS, "k")).isFalse();
        long v2 = backend.set(NS, "k", b("2"), NONE);
        assertThat(v2).isGreaterThan(v1);
        long v3 = backend.set(Namespace.of("other"), "k", b("3"), NONE);
        assertThat(v3).isGreaterThan(v2);
    }

    @Test
    void expiredKeyIsAbsentEverywhereBeforeTheSweeperRuns() throws InterruptedException {
        backend.set(NS, "gone", b("x"), 1);
        backend.set(NS, "kept", b("y"), NONE);
        Thread.sleep(5);

        assertThat(backend.get(NS, "gone")).isNull();
        assertThat(backend.exists(NS, "gone")).isFalse();
        assertThat(backend.read(NS, List.of("gone", "kept")))
                .extracting(BackendEntry::key)
                .containsExactly("kept");
        assertThat(keys("*")).containsExactly("kept");
        assertThat(backend.count(NS, GlobPattern.compile("*"))).isEqualTo(1);
        assertThat(backend.delete(NS, "gone")).isFalse();
        assertThat(backend.expire(NS, "gone", 60_000)).isFalse();
        assertThat(backend.compareAndSet(NS, "gone", 0, b("new"), NONE)).isPositive();
    }

    @Test
    void compareAndSetWritesOnlyAtTheExpectedVersion() {
        long v1 = backend.compareAndSet(NS, "k", 0, b("first"), NONE);
        assertThat(v1).isPositive();
        assertThat(backend.compareAndSet(NS, "k", 0, b("again"), NONE)).isZero();
        assertThat(backend.compareAndSet(NS, "k", v1 + 100, b("wrong"), NONE)).isZero();
        long v2 = backend.compareAndSet(NS, "k", v1, b("second"), NONE);
        assertThat(v2).isGreaterThan(v1);
        assertThat(new String(present(backend.get(NS, "k")).value(), UTF_8)).isEqualTo("second");
    }

    @Test
    void incrementCountsFromZeroKeepsExpiryAndRejectsNonCounters() {
        assertThat(backend.increment(NS, "c", 5)).isEqualTo(5);
        assertThat(backend.increment(NS, "c", -7)).isEqualTo(-2);
        assertThat(new String(present(backend.get(NS, "c")).value(), UTF_8)).isEqualTo("-2");

        backend.set(NS, "window", b("10"), 60_000);
        long expiry = present(backend.get(NS, "window")).expiresAtMillis();
        assertThat(backend.increment(NS, "window", 1)).isEqualTo(11);
        assertThat(present(backend.get(NS, "window")).expiresAtMillis()).isEqualTo(expiry);

        backend.set(NS, "text", b("ten"), NONE);
        long v = present(backend.get(NS, "text")).version();
        assertThatThrownBy(() -> backend.increment(NS, "text", 1))
                .isInstanceOf(NotACounterException.class)
                .hasMessageContaining("text");
        backend.set(NS, "max", b(Long.toString(Long.MAX_VALUE)), NONE);
        assertThatThrownBy(() -> backend.increment(NS, "max", 1))
                .isInstanceOf(NotACounterException.class)
                .hasMessageContaining("overflow");
        assertThat(present(backend.get(NS, "text")).version()).isEqualTo(v);
        assertThat(present(backend.get(NS, "max")).value()).isEqualTo(b(Long.toString(Long.MAX_VALUE)));
    }

    @Test
    void expireChangesOnlyTheExpiry() {
        long v = backend.set(NS, "k", b("x"), NONE);
        assertThat(backend.expire(NS, "k", 60_000)).isTrue();
        BackendEntry e = present(backend.get(NS, "k"));
        assertThat(e.version()).isEqualTo(v);
        assertThat(e.expiresAtMillis()).isGreaterThan(System.currentTimeMillis());
        assertThat(backend.expire(NS, "k", NONE)).isTrue();
        assertThat(present(backend.get(NS, "k")).expiresAtMillis()).isEqualTo(NONE);
        assertThat(backend.expire(NS, "missing", 1000)).isFalse();
    }

    @Test
    void getAllReadsManyKeysAcrossChunks() {
        List<String> all = IntStream.range(0, 1200).mapToObj(i -> "k" + i).collect(Collectors.toList());
        backend.commit(
                NS,
                new Commit(
                        List.of(),
                        all.stream()
                                .filter(k -> !k.endsWith("7"))
                                .map(k -> (Write) new Write.Put(k, b(k), NONE))
                                .collect(Collectors.toList())));
        List<BackendEntry> found = backend.read(NS, all);
        assertThat(found).hasSize(1200 - 120);
        assertThat(found).allSatisfy(e -> assertThat(e.value()).isEqualTo(b(e.key())));
    }

    @Test
    void listingIsInUtf8ByteOrderWithCursorPaging() {
        // U+FFFD sorts before U+1F600 in UTF-8 but after its surrogates in UTF-16.
        List<String> keys = List.of("b", "a", "\uFFFD", "\uD83D\uDE00", "ab", "a:1", "é");
        keys.forEach(k -> backend.set(NS, k, b(k), NONE));
        List<String> expected = new ArrayList<>(keys);
        expected.sort(KeyRules.UTF8_ORDER);
        assertThat(keys("*")).containsExactlyElementsOf(expected);

        // SPI 2: a page of fewer keys than the limit is the last; the cursor is the page's last key.
        List<String> paged = new ArrayList<>();
        String cursor = null;
        List<String> page;
        do {
            page = backend.list(NS, GlobPattern.compile("*"), cursor, 2);
            assertThat(page).hasSizeLessThanOrEqualTo(2);
            paged.addAll(page);
            cursor = page.isEmpty() ? null : page.get(page.size() - 1);
        } while (page.size() == 2);
        assertThat(paged).containsExactlyElementsOf(expected);

        assertThat(backend.list(NS, GlobPattern.compile("a*"), "a", 10)).containsExactly("a:1", "ab");
        assertThat(backend.list(NS, GlobPattern.compile("a*"), "a", 2)).containsExactly("a:1", "ab");
        assertThat(backend.list(NS, GlobPattern.compile("a*"), "ab", 2)).isEmpty();
    }

    @Test
    void prefixPatternsAndCursorsBeyondThePrefix() {
        for (String k : List.of("user:1", "user:2", "user:10", "users", "user;", "usa", "admin")) {
            backend.set(NS, k, b(k), NONE);
        }
        assertThat(keys("user:*")).containsExactly("user:1", "user:10", "user:2");
        assertThat(keys("user:?")).containsExactly("user:1", "user:2");
        assertThat(keys("user*")).containsExactly("user:1", "user:10", "user:2", "user;", "users");
        assertThat(keys("user:1")).containsExactly("user:1");
        assertThat(keys("*s*")).containsExactly("usa", "user:1", "user:10", "user:2", "user;", "users");
        assertThat(keys("[au]*[an]")).containsExactly("admin", "usa");
        assertThat(backend.list(NS, GlobPattern.compile("user:*"), "user:10", 10))
                .containsExactly("user:2");
        assertThat(backend.list(NS, GlobPattern.compile("user:*"), "a", 10))
                .containsExactly("user:1", "user:10", "user:2");
        assertThat(backend.list(NS, GlobPattern.compile("user:*"), "zzz", 10)).isEmpty();
        assertThat(backend.list(NS, GlobPattern.compile("user:1"), "user:1", 10))
                .isEmpty();
        assertThat(backend.count(NS, GlobPattern.compile("user:*"))).isEqualTo(3);
    }

    @Test
    void deleteMatchingReportsEachKeyAndSparesOthers() {
        for (String k : List.of("tmp:1", "tmp:2", "keep")) {
            backend.set(NS, k, b(k), NONE);
        }
        backend.set(Namespace.of("other"), "tmp:3", b("x"), NONE);
        events.clear();
        assertThat(backend.deleteMatching(NS, GlobPattern.compile("tmp:*"))).isEqualTo(2);
        assertThat(keys("*")).containsExactly("keep");
        assertThat(backend.exists(Namespace.of("other"), "tmp:3")).isTrue();
        assertThat(events.events())
                .containsExactly(
                        new Event("notes", ChangeType.DELETE, "tmp:1", 0),
                        new Event("notes", ChangeType.DELETE, "tmp:2", 0));
        assertThat(backend.deleteMatching(NS, GlobPattern.compile("tmp:*"))).isZero();
    }

    @Test
    void clearEmptiesOnlyThatNamespace() {
        Namespace child = NS.child("archive");
        Namespace parent = NS;
        backend.set(parent, "a", b("1"), NONE);
        backend.set(child, "a", b("2"), NONE);
        backend.set(Namespace.of("notes2"), "a", b("3"), NONE);
        events.clear();
        backend.clear(parent);
        assertThat(backend.exists(parent, "a")).isFalse();
        assertThat(backend.exists(child, "a")).isTrue();
        assertThat(backend.exists(Namespace.of("notes2"), "a")).isTrue();
        assertThat(events.events()).containsExactly(new Event("notes", ChangeType.CLEAR, null, 0));
    }

    @Test
    void quotaCountsLiveKeysAndAllowsOverwrites() throws InterruptedException {
        backend.close();
        backend = TestBackends.open(dir.resolve("quota.db"), events, "maxKeys", "2", "sweepInterval", "1h");
        backend.set(NS, "a", b("1"), NONE);
        backend.set(NS, "b", b("1"), 1);
        Thread.sleep(5);
        backend.set(NS, "c", b("1"), NONE); // b expired: does not count
        assertThatThrownBy(() -> backend.set(NS, "d", b("1"), NONE))
                .isInstanceOf(QuotaExceededException.class)
                .hasMessageContaining("'d'");
        assertThatThrownBy(() -> backend.increment(NS, "e", 1)).isInstanceOf(QuotaExceededException.class);
        assertThatThrownBy(() -> backend.compareAndSet(NS, "f", 0, b("x"), NONE))
                .isInstanceOf(QuotaExceededException.class);
        assertThat(backend.set(NS, "a", b("2"), NONE)).isPositive();
        backend.set(Namespace.of("other"), "d", b("1"), NONE); // another scope has its own quota

        events.clear();
        assertThatThrownBy(() -> backend.commit(
                        NS,
                        new Commit(
                                List.of(),
                                List.of(
                                        new Write.Remove("a"),
                                        new Write.Put("x", b("1"), NONE),
                                        new Write.Put("y", b("1"), NONE)))))
                .isInstanceOf(QuotaExceededException.class);
        assertThat(keys("*")).containsExactly("a", "c");
        assertThat(events.events()).isEmpty();
        backend.commit(NS, writes(new Write.Remove("a"), new Write.Put("x", b("1"), NONE)));
        assertThat(keys("*")).containsExactly("c", "x");
    }

    @Test
    void transactionAppliesAllOrNothingAndNamesTheFirstFailedPrecondition() {
        long va = backend.set(NS, "a", b("1"), NONE);
        events.clear();
        assertThatThrownBy(() -> backend.commit(
                        NS,
                        new Commit(
                                List.of(
                                        new Precondition("a", va),
                                        new Precondition("b", 42),
                                        new Precondition("c", va)),
                                List.of(new Write.Put("a", b("2"), NONE)))))
                .isInstanceOfSatisfying(VersionConflictException.class, e -> {
                    assertThat(e.key()).isEqualTo("b");
                    assertThat(e.expectedVersion()).isEqualTo(42);
                    assertThat(e.actualVersion()).isZero();
                });
        assertThat(present(backend.get(NS, "a")).version()).isEqualTo(va);
        assertThat(events.events()).isEmpty();

        CommitResult result = backend.commit(
                NS,
                new Commit(
                        List.of(new Precondition("a", va), new Precondition("b", 0)),
                        List.of(
                                new Write.Put("a", b("2"), NONE),
                                new Write.Put("b", b("x"), 60_000),
                                new Write.Remove("a"),
                                new Write.Put("a", b("3"), NONE),
                                new Write.Remove("nothing"))));
        assertThat(result.size()).isEqualTo(5);
        assertThat(result.outcome(1)).isGreaterThan(result.outcome(0));
        assertThat(result.outcome(2)).as("a was live when removed").isEqualTo(1);
        assertThat(result.outcome(3)).isGreaterThan(result.outcome(1));
        assertThat(result.outcome(4)).as("nothing was absent").isZero();
        assertThat(present(backend.get(NS, "a")).version()).isEqualTo(result.outcome(3));
        assertThat(events.events())
                .extracting(Event::type, Event::key)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(ChangeType.SET, "a"),
                        org.assertj.core.groups.Tuple.tuple(ChangeType.SET, "b"),
                        org.assertj.core.groups.Tuple.tuple(ChangeType.DELETE, "a"),
                        org.assertj.core.groups.Tuple.tuple(ChangeType.SET, "a"));
    }

    /** SPI 2's commit: Expire writes, KEEP_EXPIRY puts, and one outcome per write in the commit's order. */
    @Test
    void commitsExpireKeysAndKeepExpiriesWithAnOutcomePerWrite() {
        long vLive = backend.set(NS, "live", b("1"), 60_000);
        long liveExpiry = present(backend.get(NS, "live")).expiresAtMillis();
        backend.set(NS, "plain", b("1"), NONE);
        events.clear();

        CommitResult result = backend.commit(
                NS,
                writes(
                        new Write.Expire("plain", 120_000),
                        new Write.Expire("absent", 120_000),
                        new Write.Put("live", b("2"), Write.KEEP_EXPIRY),
                        new Write.Put("fresh", b("3"), Write.KEEP_EXPIRY),
                        new Write.Expire("live", NONE)));

        assertThat(result.size()).isEqualTo(5);
        assertThat(result.outcome(0)).as("plain was live").isEqualTo(1);
        assertThat(result.outcome(1)).as("absent was not").isZero();
        assertThat(result.outcome(2)).isGreaterThan(vLive);
        assertThat(result.outcome(3)).isGreaterThan(result.outcome(2));
        assertThat(result.outcome(4)).isEqualTo(1);
        assertThat(present(backend.get(NS, "plain")).expiresAtMillis()).isGreaterThan(liveExpiry);
        BackendEntry live = present(backend.get(NS, "live"));
        assertThat(live.value()).isEqualTo(b("2"));
        assertThat(live.version()).isEqualTo(result.outcome(2));
        assertThat(live.expiresAtMillis())
                .as("kept by the put, then removed by the last write")
                .isEqualTo(NONE);
        assertThat(present(backend.get(NS, "fresh")).expiresAtMillis())
                .as("an absent key has none to keep")
                .isEqualTo(NONE);
        assertThat(events.events())
                .containsExactly(
                        new Event("notes", ChangeType.SET, "live", result.outcome(2)),
                        new Event("notes", ChangeType.SET, "fresh", result.outcome(3)));

        // KEEP_EXPIRY keeps a live key's expiry, as increment does.
        backend.commit(NS, writes(new Write.Put("plain", b("4"), Write.KEEP_EXPIRY)));
        assertThat(present(backend.get(NS, "plain")).expiresAtMillis()).isGreaterThan(liveExpiry);
        // A commit of preconditions only checks them.
        long vPlain = present(backend.get(NS, "plain")).version();
        assertThat(backend.commit(NS, new Commit(List.of(new Precondition("plain", vPlain)), List.of()))
                        .size())
                .isZero();
        assertThatThrownBy(() -> backend.commit(NS, new Commit(List.of(new Precondition("plain", vLive)), List.of())))
                .isInstanceOf(VersionConflictException.class);
    }

    /** Expiry is measured against the context's clock (the runtime's), not the system's. */
    @Test
    void expiryFollowsTheClockTheRuntimeHandsIn() {
        AtomicLong now = new AtomicLong(1_000_000_000_000L);
        Recorder seen = new Recorder();
        SqliteStorageBackend faked = TestBackends.open(
                dir.resolve("clock.db"),
                TestBackends.context(seen, () -> Instant.ofEpochMilli(now.get())),
                "sweepInterval",
                "1h");
        try {
            faked.set(NS, "k", b("v"), 1_000);
            assertThat(present(faked.get(NS, "k")).expiresAtMillis()).isEqualTo(now.get() + 1_000);
            assertThat(faked.tryLock(NS, "job", "t1", 1_000)).isTrue();
            now.addAndGet(999);
            assertThat(faked.exists(NS, "k")).isTrue();
            assertThat(faked.tryLock(NS, "job", "t2", 1_000)).isFalse();
            now.addAndGet(1);
            assertThat(faked.get(NS, "k"))
                    .as("expired at its deadline by the fake clock")
                    .isNull();
            assertThat(faked.list(NS, GlobPattern.compile("*"), null, 10)).isEmpty();
            assertThat(faked.tryLock(NS, "job", "t2", 1_000))
                    .as("the lease lapsed by the fake clock")
                    .isTrue();
            faked.sweepNow();
            assertThat(seen.events()).endsWith(new Event("notes", ChangeType.EXPIRE, "k", 0));
        } finally {
            faked.close();
        }
    }

    /** Sweeps and polls run on the runtime's scheduler, and close takes them off it. */
    @Test
    void backgroundWorkRunsOnTheContextsSchedulerUntilClose() {
        BackendContext context = TestBackends.context(events);
        ScheduledThreadPoolExecutor scheduler = (ScheduledThreadPoolExecutor) context.scheduler();
        SqliteStorageBackend scheduled = TestBackends.open(dir.resolve("scheduled.db"), context);
        assertThat(scheduler.getQueue())
                .as("the sweep and the poll of other processes' changes")
                .hasSize(2);
        scheduled.close();
        scheduled.close();
        assertThat(scheduler.getQueue()).as("cancelled by close").isEmpty();
    }

    /** The longest TTL is stored exactly; a longer one, or a negative one, is refused, never capped. */
    @Test
    void durationsAreStoredExactlyUpToTheMaximumAndRefusedBeyondIt() {
        long max = KeyValueStore.MAX_DURATION.toMillis();
        long before = System.currentTimeMillis();
        backend.set(NS, "longest", b("v"), max);
        long after = System.currentTimeMillis();
        assertThat(present(backend.get(NS, "longest")).expiresAtMillis()).isBetween(before + max, after + max);
        assertThat(backend.tryLock(NS, "job", "t", max)).isTrue();
        assertThat(backend.renewLock(NS, "job", "t", max)).isTrue();

        for (long ttl : new long[] {max + 1, Long.MAX_VALUE, -1, -2, Long.MIN_VALUE}) {
            assertThatThrownBy(() -> backend.set(NS, "k", b("v"), ttl))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("ttl")
                    .hasMessageContaining(Long.toString(ttl));
            assertThatThrownBy(() -> backend.compareAndSet(NS, "k", 0, b("v"), ttl))
                    .isInstanceOf(InvalidArgumentException.class);
            assertThatThrownBy(() -> backend.expire(NS, "longest", ttl)).isInstanceOf(InvalidArgumentException.class);
            assertThatThrownBy(() -> backend.commit(
                            NS, writes(new Write.Put("k", b("v"), NONE), new Write.Expire("longest", ttl))))
                    .isInstanceOf(InvalidArgumentException.class);
            if (ttl != Write.KEEP_EXPIRY) {
                // In a commit's Put, -1 is SPI 2's KEEP_EXPIRY (tested below), not a duration.
                assertThatThrownBy(() -> backend.commit(
                                NS, writes(new Write.Put("k", b("v"), NONE), new Write.Put("k2", b("v"), ttl))))
                        .isInstanceOf(InvalidArgumentException.class);
            }
            assertThatThrownBy(() -> backend.tryLock(NS, "other", "t", ttl))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("lease");
            assertThatThrownBy(() -> backend.renewLock(NS, "job", "t", ttl))
                    .isInstanceOf(InvalidArgumentException.class);
        }
        assertThatThrownBy(() -> backend.tryLock(NS, "other", "t", 0)).isInstanceOf(InvalidArgumentException.class);
        assertThat(backend.exists(NS, "k")).isFalse();
        assertThat(backend.exists(NS, "k2")).isFalse();
        assertThat(present(backend.get(NS, "longest")).expiresAtMillis()).isBetween(before + max, after + max);
    }

    /** The one counter format of every provider (SPI Counters): canonical Long.toString text only. */
    @ParameterizedTest
    @ValueSource(strings = {"007", "-0", "+5", "00", "-007", " 5", "5 ", "", "9223372036854775808"})
    void incrementRefusesNonCanonicalCounterTextAndLeavesItIntact(String text) {
        long v = backend.set(NS, "odd", b(text), NONE);
        assertThatThrownBy(() -> backend.increment(NS, "odd", 1))
                .isInstanceOf(NotACounterException.class)
                .hasMessageContaining("odd");
        BackendEntry after = present(backend.get(NS, "odd"));
        assertThat(after.value()).isEqualTo(b(text));
        assertThat(after.version()).isEqualTo(v);
        assertThat(backend.increment(NS, "canonical", -9_223_372_036_854_775_807L))
                .isEqualTo(Long.MIN_VALUE + 1);
        assertThat(backend.increment(NS, "canonical", -1)).isEqualTo(Long.MIN_VALUE);
        assertThat(present(backend.get(NS, "canonical")).value()).isEqualTo(b(Long.toString(Long.MIN_VALUE)));
    }

    @Test
    void eventsCarryVersionsInCommitOrderAndFailedWritesReportNothing() {
        long v1 = backend.set(NS, "k", b("1"), NONE);
        long v2 = backend.increment(NS, "n", 1);
        backend.delete(NS, "k");
        backend.compareAndSet(NS, "k", 999, b("no"), NONE);
        long v3 = backend.set(NS, "t", b("text"), NONE);
        assertThatThrownBy(() -> backend.increment(NS, "t", 1)).isInstanceOf(NotACounterException.class);
        assertThat(events.events())
                .containsExactly(
                        new Event("notes", ChangeType.SET, "k", v1),
                        new Event(
                                "notes",
                                ChangeType.SET,
                                "n",
                                present(backend.get(NS, "n")).version()),
                        new Event("notes", ChangeType.DELETE, "k", 0),
                        new Event("notes", ChangeType.SET, "t", v3));
        assertThat(v2).isEqualTo(1);
    }

    @Test
    void sweeperReclaimsExpiredKeysAndReportsExpire() throws InterruptedException {
        backend.set(NS, "short", b("x"), 1);
        backend.set(NS, "long", b("y"), 3_600_000);
        Thread.sleep(5);
        events.clear();
        backend.sweepNow();
        assertThat(events.events()).containsExactly(new Event("notes", ChangeType.EXPIRE, "short", 0));
        backend.sweepNow();
        assertThat(events.events()).hasSize(1);
    }

    @Test
    void aBatchOfPutsReportsReclaimedRowsBeforeTheirSetAndStoresTheReturnedVersions() throws InterruptedException {
        backend.set(NS, "expired", b("old"), 1);
        backend.set(NS, "kept", b("old"), NONE);
        Thread.sleep(5);
        events.clear();
        CommitResult result = backend.commit(
                NS,
                writes(
                        new Write.Put("kept", b("k2"), NONE),
                        new Write.Put("expired", b("e2"), 60_000),
                        new Write.Put("fresh", b("f2"), NONE)));
        Map<String, Long> versions =
                Map.of("kept", result.outcome(0), "expired", result.outcome(1), "fresh", result.outcome(2));

        assertThat(result.size()).isEqualTo(3);
        assertThat(versions.get("kept")).isLessThan(versions.get("expired"));
        assertThat(versions.get("expired")).isLessThan(versions.get("fresh"));
        for (String key : List.of("kept", "expired", "fresh")) {
            assertThat(present(backend.get(NS, key)).version()).isEqualTo(versions.get(key));
        }
        assertThat(present(backend.get(NS, "expired")).expiresAtMillis()).isPositive();
        assertThat(present(backend.get(NS, "fresh")).value()).isEqualTo(b("f2"));
        assertThat(events.events())
                .containsExactly(
                        new Event("notes", ChangeType.SET, "kept", versions.get("kept")),
                        new Event("notes", ChangeType.EXPIRE, "expired", 0),
                        new Event("notes", ChangeType.SET, "expired", versions.get("expired")),
                        new Event("notes", ChangeType.SET, "fresh", versions.get("fresh")));
    }

    @Test
    void overwritingAnExpiredKeyReportsItsExpiryFirst() throws InterruptedException {
        long v1 = backend.set(NS, "k", b("old"), 1);
        long n1 = backend.set(NS, "n", b("5"), 1);
        Thread.sleep(5);
        long v2 = backend.set(NS, "k", b("new"), NONE);
        assertThat(backend.increment(NS, "n", 1)).isEqualTo(1);
        long vn = present(backend.get(NS, "n")).version();
        backend.sweepNow();
        assertThat(events.events())
                .containsExactly(
                        new Event("notes", ChangeType.SET, "k", v1),
                        new Event("notes", ChangeType.SET, "n", n1),
                        new Event("notes", ChangeType.EXPIRE, "k", 0),
                        new Event("notes", ChangeType.SET, "k", v2),
                        new Event("notes", ChangeType.EXPIRE, "n", 0),
                        new Event("notes", ChangeType.SET, "n", vn));
    }

    @Test
    void sweeperThreadRunsOnItsOwn() throws InterruptedException {
        backend.close();
        backend = TestBackends.open(dir.resolve("sweep.db"), events, "sweepInterval", "20ms");
        for (int i = 0; i < 1200; i++) {
            backend.set(NS, "k" + i, b("x"), 1);
        }
        Thread.sleep(5);
        long end = System.nanoTime() + 10_000_000_000L;
        while (events.events().stream()
                                .filter(e -> e.type() == ChangeType.EXPIRE)
                                .count()
                        < 1200
                && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(events.events().stream()
                        .filter(e -> e.type() == ChangeType.EXPIRE)
                        .map(Event::key)
                        .distinct())
                .hasSize(1200);
    }

    @Test
    void locksAreExclusiveLeasedAndSeparateFromKeys() throws InterruptedException {
        assertThat(backend.tryLock(NS, "job", "t1", 60_000)).isTrue();
        assertThat(backend.tryLock(NS, "job", "t2", 60_000)).isFalse();
        assertThat(backend.tryLock(NS, "job", "t1", 60_000)).isFalse();
        assertThat(backend.tryLock(NS.child("b"), "job", "t2", 60_000)).isTrue();
        assertThat(backend.exists(NS, "job")).isFalse();
        assertThat(backend.lockEntries()).isEqualTo(2);
        assertThat(backend.renewLock(NS, "job", "t2", 60_000)).isFalse();
        assertThat(backend.renewLock(NS, "job", "t1", 60_000)).isTrue();
        assertThat(backend.unlock(NS, "job", "t2")).isFalse();
        assertThat(backend.unlock(NS, "job", "t1")).isTrue();
        assertThat(backend.unlock(NS.child("b"), "job", "t2")).isTrue();
        assertThat(backend.lockEntries()).isZero();

        assertThat(backend.tryLock(NS, "lease", "t1", 1)).isTrue();
        Thread.sleep(5);
        assertThat(backend.renewLock(NS, "lease", "t1", 60_000)).isFalse();
        assertThat(backend.tryLock(NS, "lease", "t2", 60_000)).isTrue();
        assertThat(backend.unlock(NS, "lease", "t1")).isFalse();
        assertThat(backend.unlock(NS, "lease", "t2")).isTrue();
        assertThat(backend.lockEntries()).isZero();
    }
}
