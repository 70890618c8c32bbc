package dev.plinth.provider.jsonfile.internal;

import static dev.plinth.provider.jsonfile.internal.Backends.present;
import static dev.plinth.provider.jsonfile.internal.Backends.text;
import static dev.plinth.provider.jsonfile.internal.Backends.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.NotACounterException;
import dev.plinth.api.storage.QuotaExceededException;
import dev.plinth.api.storage.StoreClosedException;
import dev.plinth.api.storage.VersionConflictException;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.CommitResult;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.Precondition;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.Write;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonFileStorageBackendTest {
    private static final Namespace NS = Namespace.of("notes");
    private static final Namespace OTHER = Namespace.of("other");

    @TempDir
    Path dir;

    private final RecordingListener events = new RecordingListener();
    private JsonFileStorageBackend backend;

    @BeforeEach
    void open() {
        backend = Backends.open(dir, events);
    }

    @AfterEach
    void close() {
        backend.close();
    }

    @Test
    void setGetAndVersionsFromOneGrowingSequence() {
        long v1 = backend.set(NS, "a", utf8("one"), StorageBackend.NO_EXPIRY);
        long v2 = backend.set(OTHER, "a", utf8("two"), StorageBackend.NO_EXPIRY);
        assertThat(v1).isPositive();
        assertThat(v2).isGreaterThan(v1);
        BackendEntry e = present(backend.get(NS, "a"));
        assertThat(text(e.value())).isEqualTo("one");
        assertThat(e.version()).isEqualTo(v1);
        assertThat(text(present(backend.get(OTHER, "a")).value())).isEqualTo("two");
        assertThat(backend.delete(NS, "a")).isTrue();
        assertThat(backend.get(NS, "a")).isNull();
        assertThat(backend.delete(NS, "a")).isFalse();
        long v3 = backend.set(NS, "a", utf8("again"), StorageBackend.NO_EXPIRY);
        assertThat(v3).isGreaterThan(v2);
    }

    @Test
    void expiredKeyIsAbsentEverywhereAndSweptWithExpireEvent() throws InterruptedException {
        backend.set(NS, "t", utf8("x"), 1);
        backend.set(NS, "keep", utf8("y"), StorageBackend.NO_EXPIRY);
        Thread.sleep(5);
        assertThat(backend.get(NS, "t")).isNull();
        assertThat(backend.exists(NS, "t")).isFalse();
        assertThat(backend.read(NS, List.of("t", "keep")))
                .extracting(BackendEntry::key)
                .containsExactly("keep");
        assertThat(backend.list(NS, GlobPattern.compile("*"), null, 10)).containsExactly("keep");
        assertThat(backend.count(NS, GlobPattern.compile("*"))).isEqualTo(1);
        assertThat(backend.compareAndSet(NS, "t", KeyValueStore.ABSENT, utf8("new"), StorageBackend.NO_EXPIRY))
                .isPositive();
        backend.set(NS, "u", utf8("x"), 1);
        awaitEvent("EXPIRE notes u 0");
    }

    @Test
    void expireKeepsVersionAndPersistRemovesExpiry() {
        long v = backend.set(NS, "a", utf8("x"), StorageBackend.NO_EXPIRY);
        assertThat(backend.expire(NS, "a", 60_000)).isTrue();
        BackendEntry e = present(backend.get(NS, "a"));
        assertThat(e.version()).isEqualTo(v);
        assertThat(e.expiresAtMillis()).isGreaterThan(System.currentTimeMillis());
        assertThat(backend.expire(NS, "a", StorageBackend.NO_EXPIRY)).isTrue();
        assertThat(present(backend.get(NS, "a")).expiresAtMillis()).isEqualTo(StorageBackend.NO_EXPIRY);
        assertThat(backend.expire(NS, "missing", 1000)).isFalse();
    }

    @Test
    void compareAndSet() {
        assertThat(backend.compareAndSet(NS, "a", 5, utf8("x"), 0)).isEqualTo(KeyValueStore.ABSENT);
        long v1 = backend.compareAndSet(NS, "a", KeyValueStore.ABSENT, utf8("x"), 0);
        assertThat(v1).isPositive();
        assertThat(backend.compareAndSet(NS, "a", KeyValueStore.ABSENT, utf8("y"), 0))
                .isEqualTo(KeyValueStore.ABSENT);
        long v2 = backend.compareAndSet(NS, "a", v1, utf8("y"), 0);
        assertThat(v2).isGreaterThan(v1);
        assertThat(text(present(backend.get(NS, "a")).value())).isEqualTo("y");
    }

    @Test
    void incrementKeepsExpiryAndRejectsNonCounters() {
        assertThat(backend.increment(NS, "c", 5)).isEqualTo(5);
        assertThat(backend.increment(NS, "c", -7)).isEqualTo(-2);
        assertThat(text(present(backend.get(NS, "c")).value())).isEqualTo("-2");
        backend.expire(NS, "c", 60_000);
        long expiry = present(backend.get(NS, "c")).expiresAtMillis();
        backend.increment(NS, "c", 1);
        assertThat(present(backend.get(NS, "c")).expiresAtMillis()).isEqualTo(expiry);
        backend.set(NS, "s", utf8("\"text\""), 0);
        assertThatThrownBy(() -> backend.increment(NS, "s", 1)).isInstanceOf(NotACounterException.class);
        backend.set(NS, "max", utf8(Long.toString(Long.MAX_VALUE)), 0);
        assertThatThrownBy(() -> backend.increment(NS, "max", 1)).isInstanceOf(NotACounterException.class);
        assertThat(text(present(backend.get(NS, "max")).value())).isEqualTo(Long.toString(Long.MAX_VALUE));
    }

    @Test
    void countersAreTheCanonicalTextOfALongOnly() {
        for (String bad : List.of(
                "007",
                "-0",
                "+5",
                " 5",
                "5 ",
                "",
                "-",
                "1e3",
                "\u0665",
                "9223372036854775808",
                "-9223372036854775809")) {
            backend.set(NS, "c", utf8(bad), 0);
            assertThatThrownBy(() -> backend.increment(NS, "c", 1))
                    .as("'%s'", bad)
                    .isInstanceOf(NotACounterException.class)
                    .hasMessageContaining("'c'");
            assertThat(text(present(backend.get(NS, "c")).value())).isEqualTo(bad);
        }
        backend.set(NS, "c", utf8(Long.toString(Long.MIN_VALUE)), 0);
        assertThat(backend.increment(NS, "c", 0)).isEqualTo(Long.MIN_VALUE);
        assertThatThrownBy(() -> backend.increment(NS, "c", -1)).isInstanceOf(NotACounterException.class);
        assertThat(backend.increment(NS, "c", Long.MAX_VALUE)).isEqualTo(-1);
        assertThat(text(present(backend.get(NS, "c")).value())).isEqualTo("-1");
    }

    @Test
    void theLongestTtlNeitherOverflowsNorLapses() {
        long max = KeyValueStore.MAX_DURATION.toMillis();
        long before = System.currentTimeMillis();
        backend.set(NS, "forever", utf8("x"), max);
        long expiresAt = present(backend.get(NS, "forever")).expiresAtMillis();
        assertThat(expiresAt).isBetween(before + max, System.currentTimeMillis() + max);
        assertThat(backend.expire(NS, "forever", max)).isTrue();
        assertThat(present(backend.get(NS, "forever")).expiresAtMillis()).isGreaterThanOrEqualTo(expiresAt);
        backend.close();
        backend = Backends.open(dir, events);
        assertThat(present(backend.get(NS, "forever")).expiresAtMillis()).isGreaterThanOrEqualTo(expiresAt);
    }

    @Test
    void listsInUtf8OrderWithCursorPagingAndPrefixRange() {
        for (String k : List.of("user:b", "user:a", "user:\uFFFD", "user:\uD83D\uDE00", "post:1", "user:c")) {
            backend.set(NS, k, utf8("v"), 0);
        }
        GlobPattern users = GlobPattern.compile("user:*");
        List<String> all = new ArrayList<>();
        String cursor = null;
        List<Integer> sizes = new ArrayList<>();
        do {
            List<String> page = backend.list(NS, users, cursor, 2);
            all.addAll(page);
            sizes.add(page.size());
            cursor = page.size() < 2 ? null : page.get(page.size() - 1);
        } while (cursor != null);
        assertThat(all).containsExactly("user:a", "user:b", "user:c", "user:\uFFFD", "user:\uD83D\uDE00");
        assertThat(sizes).containsExactly(2, 2, 1);
        assertThat(backend.list(NS, users, "user:c", 2)).containsExactly("user:\uFFFD", "user:\uD83D\uDE00");
        assertThat(backend.list(NS, users, "user:\uD83D\uDE00", 2)).isEmpty();
        assertThat(backend.count(NS, GlobPattern.compile("user:[ab]"))).isEqualTo(2);
        assertThat(backend.count(NS, GlobPattern.compile("post:1"))).isEqualTo(1);
        assertThat(backend.list(OTHER, users, null, 10)).isEmpty();
        assertThat(backend.list(NS, users, "zzz", 10)).isEmpty();
        assertThat(backend.list(NS, users, "a", 1)).containsExactly("user:a");
        assertThat(backend.list(NS, GlobPattern.compile("*:1"), "post:1", 5)).isEmpty();
    }

    @Test
    void deleteMatchingAndACommitOfRemovesReportDeletes() {
        backend.set(NS, "a1", utf8("v"), 0);
        backend.set(NS, "a2", utf8("v"), 0);
        backend.set(NS, "b1", utf8("v"), 0);
        events.clear();
        assertThat(backend.deleteMatching(NS, GlobPattern.compile("a*"))).isEqualTo(2);
        assertThat(events.events()).containsExactly("DELETE notes a1 0", "DELETE notes a2 0");
        events.clear();
        CommitResult removed =
                backend.commit(NS, Commit.of(new Write.Remove("b1"), new Write.Remove("zz"), new Write.Remove("b1")));
        assertThat(List.of(removed.outcome(0), removed.outcome(1), removed.outcome(2)))
                .containsExactly(1L, 0L, 0L);
        assertThat(events.events()).containsExactly("DELETE notes b1 0");
        assertThat(backend.count(NS, GlobPattern.compile("*"))).isZero();
    }

    @Test
    void clearRemovesOnlyThatNamespace() {
        Namespace child = NS.child("archive");
        backend.set(NS, "a", utf8("v"), 0);
        backend.set(child, "a", utf8("v"), 0);
        backend.set(OTHER, "a", utf8("v"), 0);
        events.clear();
        backend.clear(NS);
        assertThat(events.events()).containsExactly("CLEAR notes null 0");
        assertThat(backend.exists(NS, "a")).isFalse();
        assertThat(backend.exists(child, "a")).isTrue();
        assertThat(backend.exists(OTHER, "a")).isTrue();
    }

    @Test
    void transactionsAreAllOrNothing() {
        long v = backend.set(NS, "a", utf8("1"), 0);
        assertThatThrownBy(() -> backend.commit(
                        NS,
                        new Commit(
                                List.of(new Precondition("a", v), new Precondition("b", 99)),
                                List.of(new Write.Put("c", utf8("x"), 0)))))
                .isInstanceOf(VersionConflictException.class)
                .satisfies(e -> assertThat(((VersionConflictException) e).key()).isEqualTo("b"));
        assertThat(backend.exists(NS, "c")).isFalse();
        events.clear();
        CommitResult result = backend.commit(
                NS,
                new Commit(
                        List.of(new Precondition("a", v), new Precondition("b", KeyValueStore.ABSENT)),
                        List.of(
                                new Write.Put("b", utf8("x"), 0),
                                new Write.Remove("a"),
                                new Write.Put("b", utf8("y"), 0),
                                new Write.Remove("nothing"))));
        assertThat(result.size()).isEqualTo(4);
        assertThat(result.outcome(0)).isGreaterThan(v);
        assertThat(result.outcome(1)).isEqualTo(1);
        assertThat(result.outcome(2))
                .isEqualTo(present(backend.get(NS, "b")).version())
                .isGreaterThan(result.outcome(0));
        assertThat(result.outcome(3)).isZero();
        assertThat(text(present(backend.get(NS, "b")).value())).isEqualTo("y");
        assertThat(backend.exists(NS, "a")).isFalse();
        assertThat(events.events()).hasSize(3).element(1).isEqualTo("DELETE notes a 0");
    }

    @Test
    void aCommitsExpireKeepsValueAndVersionAndAPutMayKeepTheExpiry() {
        long v = backend.set(NS, "a", utf8("1"), 60_000);
        long expiresAt = present(backend.get(NS, "a")).expiresAtMillis();
        events.clear();
        CommitResult kept = backend.commit(
                NS,
                Commit.of(
                        new Write.Put("a", utf8("2"), Write.KEEP_EXPIRY),
                        new Write.Put("fresh", utf8("f"), Write.KEEP_EXPIRY)));
        assertThat(present(backend.get(NS, "a")).expiresAtMillis()).isEqualTo(expiresAt);
        assertThat(present(backend.get(NS, "fresh")).expiresAtMillis())
                .as("absent before: no expiry")
                .isEqualTo(StorageBackend.NO_EXPIRY);
        CommitResult touched = backend.commit(
                NS,
                Commit.of(
                        new Write.Expire("a", StorageBackend.NO_EXPIRY),
                        new Write.Expire("missing", 1_000),
                        new Write.Put("b", utf8("x"), 0),
                        new Write.Expire("b", 60_000)));
        assertThat(List.of(touched.outcome(0), touched.outcome(1))).containsExactly(1L, 0L);
        assertThat(touched.outcome(3)).isEqualTo(1);
        BackendEntry a = present(backend.get(NS, "a"));
        assertThat(text(a.value())).isEqualTo("2");
        assertThat(a.version()).isEqualTo(kept.outcome(0)).isGreaterThan(v);
        assertThat(a.expiresAtMillis()).isEqualTo(StorageBackend.NO_EXPIRY);
        BackendEntry b = present(backend.get(NS, "b"));
        assertThat(b.version()).isEqualTo(touched.outcome(2));
        assertThat(b.expiresAtMillis()).isGreaterThan(System.currentTimeMillis());
        // An expiry change is no SET: the runtime reports none for expire() either.
        assertThat(events.events())
                .containsExactly(
                        "SET notes a " + kept.outcome(0),
                        "SET notes fresh " + kept.outcome(1),
                        "SET notes b " + touched.outcome(2));
        backend.close();
        backend = Backends.open(dir, events);
        assertThat(present(backend.get(NS, "a")).expiresAtMillis()).isEqualTo(StorageBackend.NO_EXPIRY);
        assertThat(present(backend.get(NS, "b")).expiresAtMillis()).isEqualTo(b.expiresAtMillis());
        assertThat(present(backend.get(NS, "b")).version()).isEqualTo(b.version());
    }

    @Test
    void aCommitOfPreconditionsOnlyChecksAndWritesNothing() {
        long v = backend.set(NS, "a", utf8("1"), 0);
        events.clear();
        CommitResult none = backend.commit(
                NS,
                new Commit(List.of(new Precondition("a", v), new Precondition("b", KeyValueStore.ABSENT)), List.of()));
        assertThat(none.size()).isZero();
        assertThatThrownBy(() -> backend.commit(NS, new Commit(List.of(new Precondition("a", v + 1)), List.of())))
                .isInstanceOf(VersionConflictException.class);
        assertThat(events.events()).isEmpty();
        assertThat(backend.set(NS, "c", utf8("x"), 0))
                .as("no version was spent")
                .isEqualTo(v + 1);
    }

    @Test
    void quotaCountsLiveKeysAndAllowsOverwrite() {
        backend.close();
        JsonFileSettings s = Backends.settings(dir);
        backend = Backends.open(
                new JsonFileSettings(
                        dir, s.durability(), s.flushInterval(), s.compactionThreshold(), 2, s.sweepInterval()),
                events);
        backend.set(NS, "a", utf8("v"), 0);
        backend.set(NS, "b", utf8("v"), 1);
        backend.set(NS, "a", utf8("w"), 0);
        backend.set(OTHER, "x", utf8("v"), 0);
        assertThatThrownBy(() -> backend.commit(
                        NS, Commit.of(new Write.Put("c", utf8("v"), 0), new Write.Put("d", utf8("v"), 0))))
                .isInstanceOf(QuotaExceededException.class)
                .hasMessageContaining("'c'");
        assertThat(backend.exists(NS, "c")).isFalse();
        awaitAbsentAfterExpiry("b");
        backend.set(NS, "c", utf8("v"), 0); // b expired: it no longer counts
        assertThatThrownBy(() -> backend.set(NS, "d", utf8("v"), 0)).isInstanceOf(QuotaExceededException.class);
        assertThatThrownBy(() -> backend.increment(NS, "d", 1)).isInstanceOf(QuotaExceededException.class);
        backend.commit(NS, Commit.of(new Write.Remove("a"), new Write.Put("d", utf8("v"), 0)));
        assertThat(backend.exists(NS, "d")).isTrue();
    }

    @Test
    void eventsFollowCommitOrder() {
        long v1 = backend.set(NS, "a", utf8("1"), 0);
        long v2 = backend.set(NS, "a", utf8("2"), 0);
        backend.delete(NS, "a");
        assertThat(events.events()).containsExactly("SET notes a " + v1, "SET notes a " + v2, "DELETE notes a 0");
    }

    @Test
    void everyMethodThrowsAfterCloseAndCloseIsIdempotent() {
        backend.close();
        backend.close();
        assertThatThrownBy(() -> backend.get(NS, "a"))
                .isInstanceOf(StoreClosedException.class)
                .hasMessageContaining(dir.toString());
        assertThatThrownBy(() -> backend.set(NS, "a", utf8("v"), 0)).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> backend.list(NS, GlobPattern.compile("*"), null, 1))
                .isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> backend.read(NS, List.of("a"))).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> backend.increment(NS, "a", 1)).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> backend.count(NS, GlobPattern.compile("*"))).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> backend.clear(NS)).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> backend.commit(NS, Commit.of(new Write.Remove("a"))))
                .isInstanceOf(StoreClosedException.class);
    }

    private void awaitAbsentAfterExpiry(String key) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (backend.exists(NS, key) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(backend.exists(NS, key)).isFalse();
    }

    private void awaitEvent(String event) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!events.events().contains(event) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(events.events()).contains(event);
    }
}
