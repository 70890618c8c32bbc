package dev.plinth.provider.jsonfile;

import static dev.plinth.provider.jsonfile.Backends.text;
import static dev.plinth.provider.jsonfile.Backends.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.KeyPage;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.NotACounterException;
import dev.plinth.api.storage.QuotaExceededException;
import dev.plinth.api.storage.StoreClosedException;
import dev.plinth.api.storage.VersionConflictException;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.Precondition;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.Write;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonFileBackendTest {
    private static final Namespace NS = Namespace.of("notes");
    private static final Namespace OTHER = Namespace.of("other");

    @TempDir
    Path dir;
    private final RecordingListener events = new RecordingListener();
    private JsonFileBackend backend;

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
        BackendEntry e = backend.get(NS, "a").orElseThrow();
        assertThat(text(e.value())).isEqualTo("one");
        assertThat(e.version()).isEqualTo(v1);
        assertThat(text(backend.get(OTHER, "a").orElseThrow().value())).isEqualTo("two");
        assertThat(backend.delete(NS, "a")).isTrue();
        assertThat(backend.get(NS, "a")).isEmpty();
        assertThat(backend.delete(NS, "a")).isFalse();
        long v3 = backend.set(NS, "a", utf8("again"), StorageBackend.NO_EXPIRY);
        assertThat(v3).isGreaterThan(v2);
    }

    @Test
    void expiredKeyIsAbsentEverywhereAndSweptWithExpireEvent() throws InterruptedException {
        backend.set(NS, "t", utf8("x"), 1);
        backend.set(NS, "keep", utf8("y"), StorageBackend.NO_EXPIRY);
        Thread.sleep(5);
        assertThat(backend.get(NS, "t")).isEmpty();
        assertThat(backend.exists(NS, "t")).isFalse();
        assertThat(backend.getAll(NS, List.of("t", "keep"))).extracting(BackendEntry::key).containsExactly("keep");
        assertThat(backend.list(NS, GlobPattern.compile("*"), null, 10).keys()).containsExactly("keep");
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
        BackendEntry e = backend.get(NS, "a").orElseThrow();
        assertThat(e.version()).isEqualTo(v);
        assertThat(e.expiresAtMillis()).isGreaterThan(System.currentTimeMillis());
        assertThat(backend.expire(NS, "a", StorageBackend.NO_EXPIRY)).isTrue();
        assertThat(backend.get(NS, "a").orElseThrow().expiresAtMillis()).isEqualTo(StorageBackend.NO_EXPIRY);
        assertThat(backend.expire(NS, "missing", 1000)).isFalse();
    }

    @Test
    void compareAndSet() {
        assertThat(backend.compareAndSet(NS, "a", 5, utf8("x"), 0)).isEqualTo(KeyValueStore.ABSENT);
        long v1 = backend.compareAndSet(NS, "a", KeyValueStore.ABSENT, utf8("x"), 0);
        assertThat(v1).isPositive();
        assertThat(backend.compareAndSet(NS, "a", KeyValueStore.ABSENT, utf8("y"), 0)).isEqualTo(KeyValueStore.ABSENT);
        long v2 = backend.compareAndSet(NS, "a", v1, utf8("y"), 0);
        assertThat(v2).isGreaterThan(v1);
        assertThat(text(backend.get(NS, "a").orElseThrow().value())).isEqualTo("y");
    }

    @Test
    void incrementKeepsExpiryAndRejectsNonCounters() {
        assertThat(backend.increment(NS, "c", 5)).isEqualTo(5);
        assertThat(backend.increment(NS, "c", -7)).isEqualTo(-2);
        assertThat(text(backend.get(NS, "c").orElseThrow().value())).isEqualTo("-2");
        backend.expire(NS, "c", 60_000);
        long expiry = backend.get(NS, "c").orElseThrow().expiresAtMillis();
        backend.increment(NS, "c", 1);
        assertThat(backend.get(NS, "c").orElseThrow().expiresAtMillis()).isEqualTo(expiry);
        backend.set(NS, "s", utf8("\"text\""), 0);
        assertThatThrownBy(() -> backend.increment(NS, "s", 1)).isInstanceOf(NotACounterException.class);
        backend.set(NS, "max", utf8(Long.toString(Long.MAX_VALUE)), 0);
        assertThatThrownBy(() -> backend.increment(NS, "max", 1)).isInstanceOf(NotACounterException.class);
        assertThat(text(backend.get(NS, "max").orElseThrow().value())).isEqualTo(Long.toString(Long.MAX_VALUE));
    }

    @Test
    void countersAreTheCanonicalTextOfALongOnly() {
        for (String bad : List.of("007", "-0", "+5", " 5", "5 ", "", "-", "1e3", "\u0665",
                "9223372036854775808", "-9223372036854775809")) {
            backend.set(NS, "c", utf8(bad), 0);
            assertThatThrownBy(() -> backend.increment(NS, "c", 1)).as("'%s'", bad)
                    .isInstanceOf(NotACounterException.class).hasMessageContaining("'c'");
            assertThat(text(backend.get(NS, "c").orElseThrow().value())).isEqualTo(bad);
        }
        backend.set(NS, "c", utf8(Long.toString(Long.MIN_VALUE)), 0);
        assertThat(backend.increment(NS, "c", 0)).isEqualTo(Long.MIN_VALUE);
        assertThatThrownBy(() -> backend.increment(NS, "c", -1)).isInstanceOf(NotACounterException.class);
        assertThat(backend.increment(NS, "c", Long.MAX_VALUE)).isEqualTo(-1);
        assertThat(text(backend.get(NS, "c").orElseThrow().value())).isEqualTo("-1");
    }

    @Test
    void theLongestTtlAndLeaseNeitherOverflowNorLapse() {
        long max = KeyValueStore.MAX_DURATION.toMillis();
        long before = System.currentTimeMillis();
        backend.set(NS, "forever", utf8("x"), max);
        long expiresAt = backend.get(NS, "forever").orElseThrow().expiresAtMillis();
        assertThat(expiresAt).isBetween(before + max, System.currentTimeMillis() + max);
        assertThat(backend.expire(NS, "forever", max)).isTrue();
        assertThat(backend.get(NS, "forever").orElseThrow().expiresAtMillis()).isGreaterThanOrEqualTo(expiresAt);
        assertThat(backend.tryLock(NS, "job", "t1", max)).isTrue();
        assertThat(backend.tryLock(NS, "job", "t2", 60_000)).isFalse();
        assertThat(backend.renewLock(NS, "job", "t1", max)).isTrue();
        assertThat(backend.tryLock(NS, "job", "t2", max)).isFalse();
        assertThat(backend.unlock(NS, "job", "t1")).isTrue();
        backend.close();
        backend = Backends.open(dir, events);
        assertThat(backend.get(NS, "forever").orElseThrow().expiresAtMillis()).isGreaterThanOrEqualTo(expiresAt);
    }

    @Test
    void listsInUtf8OrderWithCursorPagingAndPrefixRange() {
        for (String k : List.of("user:b", "user:a", "user:\uFFFD", "user:\uD83D\uDE00", "post:1", "user:c")) {
            backend.set(NS, k, utf8("v"), 0);
        }
        GlobPattern users = GlobPattern.compile("user:*");
        List<String> all = new ArrayList<>();
        String cursor = null;
        do {
            KeyPage page = backend.list(NS, users, cursor, 2);
            all.addAll(page.keys());
            cursor = page.nextCursor();
        } while (cursor != null);
        assertThat(all).containsExactly("user:a", "user:b", "user:c", "user:\uFFFD", "user:\uD83D\uDE00");
        KeyPage last = backend.list(NS, users, "user:c", 2);
        assertThat(last.keys()).containsExactly("user:\uFFFD", "user:\uD83D\uDE00");
        assertThat(last.nextCursor()).isNull();
        assertThat(backend.count(NS, GlobPattern.compile("user:[ab]"))).isEqualTo(2);
        assertThat(backend.count(NS, GlobPattern.compile("post:1"))).isEqualTo(1);
        assertThat(backend.list(OTHER, users, null, 10).keys()).isEmpty();
        assertThat(backend.list(NS, users, "zzz", 10).keys()).isEmpty();
        assertThat(backend.list(NS, users, "a", 1).keys()).containsExactly("user:a");
        assertThat(backend.list(NS, GlobPattern.compile("*:1"), "post:1", 5).keys()).isEmpty();
    }

    @Test
    void deleteMatchingAndDeleteAllReportDeletes() {
        backend.set(NS, "a1", utf8("v"), 0);
        backend.set(NS, "a2", utf8("v"), 0);
        backend.set(NS, "b1", utf8("v"), 0);
        events.clear();
        assertThat(backend.deleteMatching(NS, GlobPattern.compile("a*"))).isEqualTo(2);
        assertThat(events.events()).containsExactly("DELETE notes a1 0", "DELETE notes a2 0");
        assertThat(backend.deleteAll(NS, List.of("b1", "zz", "b1"))).isEqualTo(1);
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
        assertThatThrownBy(() -> backend.commit(NS, List.of(new Precondition("a", v), new Precondition("b", 99)),
                List.of(new Write.Put("c", utf8("x"), 0))))
                .isInstanceOf(VersionConflictException.class)
                .satisfies(e -> assertThat(((VersionConflictException) e).key()).isEqualTo("b"));
        assertThat(backend.exists(NS, "c")).isFalse();
        events.clear();
        Map<String, Long> versions = backend.commit(NS, List.of(new Precondition("a", v),
                new Precondition("b", KeyValueStore.ABSENT)),
                List.of(new Write.Put("b", utf8("x"), 0), new Write.Remove("a"), new Write.Put("b", utf8("y"), 0),
                        new Write.Remove("nothing")));
        assertThat(versions).containsOnlyKeys("b");
        assertThat(versions.get("b")).isEqualTo(backend.get(NS, "b").orElseThrow().version());
        assertThat(text(backend.get(NS, "b").orElseThrow().value())).isEqualTo("y");
        assertThat(backend.exists(NS, "a")).isFalse();
        assertThat(events.events()).hasSize(3).element(1).isEqualTo("DELETE notes a 0");
    }

    @Test
    void quotaCountsLiveKeysAndAllowsOverwrite() {
        backend.close();
        JsonFileSettings s = Backends.settings(dir);
        backend = Backends.open(new JsonFileSettings(dir, s.durability(), s.flushInterval(), s.compactionThreshold(),
                2, s.sweepInterval()), events);
        backend.set(NS, "a", utf8("v"), 0);
        backend.set(NS, "b", utf8("v"), 1);
        backend.set(NS, "a", utf8("w"), 0);
        backend.set(OTHER, "x", utf8("v"), 0);
        assertThatThrownBy(() -> backend.commit(NS, List.of(),
                List.of(new Write.Put("c", utf8("v"), 0), new Write.Put("d", utf8("v"), 0))))
                .isInstanceOf(QuotaExceededException.class).hasMessageContaining("'c'");
        assertThat(backend.exists(NS, "c")).isFalse();
        awaitAbsentAfterExpiry("b");
        backend.set(NS, "c", utf8("v"), 0); // b expired: it no longer counts
        assertThatThrownBy(() -> backend.set(NS, "d", utf8("v"), 0)).isInstanceOf(QuotaExceededException.class);
        assertThatThrownBy(() -> backend.increment(NS, "d", 1)).isInstanceOf(QuotaExceededException.class);
        backend.commit(NS, List.of(), List.of(new Write.Remove("a"), new Write.Put("d", utf8("v"), 0)));
        assertThat(backend.exists(NS, "d")).isTrue();
    }

    @Test
    void locksHaveOwnersLeasesAndDoNotLeak() throws InterruptedException {
        assertThat(backend.tryLock(NS, "job", "t1", 60_000)).isTrue();
        assertThat(backend.tryLock(NS, "job", "t2", 60_000)).isFalse();
        assertThat(backend.exists(NS, "job")).isFalse();
        assertThat(backend.renewLock(NS, "job", "t2", 60_000)).isFalse();
        assertThat(backend.renewLock(NS, "job", "t1", 60_000)).isTrue();
        assertThat(backend.unlock(NS, "job", "t2")).isFalse();
        assertThat(backend.unlock(NS, "job", "t1")).isTrue();
        assertThat(backend.lockEntries()).isZero();
        assertThat(backend.tryLock(NS, "lease", "t1", 1)).isTrue();
        Thread.sleep(5);
        assertThat(backend.tryLock(NS, "lease", "t2", 60_000)).isTrue();
        assertThat(backend.unlock(NS, "lease", "t2")).isTrue();
        assertThat(backend.tryLock(NS, "lapsing", "t3", 1)).isTrue();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (backend.lockEntries() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(backend.lockEntries()).isZero();
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
        assertThatThrownBy(() -> backend.get(NS, "a")).isInstanceOf(StoreClosedException.class)
                .hasMessageContaining(dir.toString());
        assertThatThrownBy(() -> backend.set(NS, "a", utf8("v"), 0)).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> backend.list(NS, GlobPattern.compile("*"), null, 1))
                .isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> backend.tryLock(NS, "l", "t", 10)).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> backend.commit(NS, List.of(), List.of())).isInstanceOf(StoreClosedException.class);
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
