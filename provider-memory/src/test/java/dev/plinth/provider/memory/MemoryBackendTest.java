package dev.plinth.provider.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.NotACounterException;
import dev.plinth.api.storage.QuotaExceededException;
import dev.plinth.api.storage.VersionConflictException;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.Precondition;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.Write;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Single-key operations, versions, namespaces, counters, transactions and change reports. */
class MemoryBackendTest extends BackendFixture {

    private final StorageBackend backend = open(Map.of());

    @Test
    void namespacesAreIsolatedIncludingLookAlikesAndChildren() {
        Namespace a = Namespace.of("a");
        Namespace ab = Namespace.of("a-b");
        Namespace child = a.child("b");
        backend.set(a, "k", bytes("in a"), 0);
        backend.set(ab, "k", bytes("in a-b"), 0);
        backend.set(child, "k", bytes("in a/b"), 0);
        backend.set(child, "only-child", bytes("x"), 0);

        assertThat(text(backend.get(a, "k").orElseThrow().value())).isEqualTo("in a");
        assertThat(text(backend.get(ab, "k").orElseThrow().value())).isEqualTo("in a-b");
        assertThat(text(backend.get(child, "k").orElseThrow().value())).isEqualTo("in a/b");
        assertThat(backend.exists(a, "only-child")).isFalse();
        assertThat(backend.list(a, GlobPattern.compile("*"), null, 100).keys()).containsExactly("k");
        assertThat(backend.count(child, GlobPattern.compile("*"))).isEqualTo(2);

        backend.clear(a);
        assertThat(backend.exists(a, "k")).isFalse();
        assertThat(backend.exists(ab, "k")).isTrue();
        assertThat(backend.count(child, GlobPattern.compile("*"))).isEqualTo(2);
        assertThat(recorder.events()).filteredOn(e -> e.type() == ChangeType.CLEAR)
                .containsExactly(new Event(a, ChangeType.CLEAR, null, 0));

        assertThat(backend.deleteMatching(child, GlobPattern.compile("*"))).isEqualTo(2);
        assertThat(backend.exists(ab, "k")).isTrue();
    }

    @Test
    void getReturnsValueVersionAndExpiry() {
        long v = backend.set(NS, "k", bytes("hello"), 60_000);
        BackendEntry e = backend.get(NS, "k").orElseThrow();
        assertThat(e.key()).isEqualTo("k");
        assertThat(e.version()).isEqualTo(v).isPositive();
        assertThat(e.expiresAtMillis()).isBetween(System.currentTimeMillis(), System.currentTimeMillis() + 60_000);
        assertThat(text(e.value())).isEqualTo("hello");
        assertThat(backend.get(NS, "absent")).isEmpty();
        assertThat(backend.get(Namespace.of("never-used"), "k")).isEmpty();
    }

    @Test
    void versionsGrowAcrossDeleteAndRecreateAndAcrossNamespaces() {
        long v1 = backend.set(NS, "k", bytes("1"), 0);
        long v2 = backend.set(NS, "k", bytes("2"), 0);
        assertThat(backend.delete(NS, "k")).isTrue();
        long v3 = backend.set(NS, "k", bytes("3"), 0);
        long other = backend.set(Namespace.of("other"), "k", bytes("x"), 0);
        long v4 = backend.increment(NS, "n", 1);
        assertThat(v2).isGreaterThan(v1);
        assertThat(v3).isGreaterThan(v2);
        assertThat(other).isGreaterThan(v3);
        assertThat(backend.get(NS, "n").orElseThrow().version()).isGreaterThan(other);
        assertThat(v4).isEqualTo(1);
    }

    @Test
    void compareAndSetWritesOnlyAtTheExpectedVersion() {
        long v1 = backend.compareAndSet(NS, "k", KeyValueStore.ABSENT, bytes("first"), 0);
        assertThat(v1).isPositive();
        assertThat(backend.compareAndSet(NS, "k", KeyValueStore.ABSENT, bytes("again"), 0))
                .isEqualTo(KeyValueStore.ABSENT);
        assertThat(backend.compareAndSet(NS, "k", v1 + 1000, bytes("wrong"), 0)).isEqualTo(KeyValueStore.ABSENT);
        long v2 = backend.compareAndSet(NS, "k", v1, bytes("second"), 0);
        assertThat(v2).isGreaterThan(v1);
        assertThat(backend.compareAndSet(NS, "k", v1, bytes("stale"), 0)).isEqualTo(KeyValueStore.ABSENT);
        assertThat(text(backend.get(NS, "k").orElseThrow().value())).isEqualTo("second");
        assertThat(backend.compareAndSet(NS, "missing", 5, bytes("x"), 0)).isEqualTo(KeyValueStore.ABSENT);
        assertThat(backend.exists(NS, "missing")).isFalse();
        assertThat(recorder.events()).containsExactly(
                new Event(NS, ChangeType.SET, "k", v1), new Event(NS, ChangeType.SET, "k", v2));
    }

    @Test
    void expireAndPersistKeepValueAndVersion() {
        long v = backend.set(NS, "k", bytes("x"), 0);
        assertThat(backend.expire(NS, "k", 60_000)).isTrue();
        BackendEntry e = backend.get(NS, "k").orElseThrow();
        assertThat(e.version()).isEqualTo(v);
        assertThat(e.expiresAtMillis()).isPositive();
        assertThat(backend.expire(NS, "k", StorageBackend.NO_EXPIRY)).isTrue();
        assertThat(backend.get(NS, "k").orElseThrow().expiresAtMillis()).isEqualTo(StorageBackend.NO_EXPIRY);
        assertThat(backend.get(NS, "k").orElseThrow().version()).isEqualTo(v);
        assertThat(backend.expire(NS, "absent", 1000)).isFalse();
        assertThat(recorder.events()).containsExactly(new Event(NS, ChangeType.SET, "k", v));
    }

    @Test
    void setWithoutTtlRemovesAnEarlierExpiry() {
        backend.set(NS, "k", bytes("x"), 60_000);
        backend.set(NS, "k", bytes("y"), StorageBackend.NO_EXPIRY);
        assertThat(backend.get(NS, "k").orElseThrow().expiresAtMillis()).isEqualTo(StorageBackend.NO_EXPIRY);
    }

    @Test
    void countersAddDecimalTextAndKeepTheExpiry() {
        assertThat(backend.increment(NS, "c", 5)).isEqualTo(5);
        assertThat(backend.increment(NS, "c", -7)).isEqualTo(-2);
        assertThat(text(backend.get(NS, "c").orElseThrow().value())).isEqualTo("-2");
        backend.set(NS, "c", bytes("40"), 60_000);
        long expiresAt = backend.get(NS, "c").orElseThrow().expiresAtMillis();
        assertThat(backend.increment(NS, "c", 2)).isEqualTo(42);
        assertThat(backend.get(NS, "c").orElseThrow().expiresAtMillis()).isEqualTo(expiresAt);
        backend.set(NS, "max", bytes(Long.toString(Long.MAX_VALUE)), 0);
        assertThat(backend.increment(NS, "max", 0)).isEqualTo(Long.MAX_VALUE);
        backend.set(NS, "min", bytes(Long.toString(Long.MIN_VALUE)), 0);
        assertThat(backend.increment(NS, "min", 1)).isEqualTo(Long.MIN_VALUE + 1);
    }

    @Test
    void nonCountersAndOverflowAreRefusedNamingTheKeyAndChangingNothing() {
        for (String bad : List.of("abc", "", "1.5", " 1", "1 ", "\"1\"", "٣", "99999999999999999999", "-")) {
            backend.set(NS, "bad", bytes(bad), 0);
            recorder.clear();
            assertThatThrownBy(() -> backend.increment(NS, "bad", 1))
                    .isInstanceOf(NotACounterException.class)
                    .satisfies(ex -> assertThat(((NotACounterException) ex).key()).isEqualTo("bad"));
            assertThat(text(backend.get(NS, "bad").orElseThrow().value())).isEqualTo(bad);
            assertThat(recorder.events()).isEmpty();
        }
        backend.set(NS, "big", bytes(Long.toString(Long.MAX_VALUE)), 0);
        long v = backend.get(NS, "big").orElseThrow().version();
        assertThatThrownBy(() -> backend.increment(NS, "big", 1))
                .isInstanceOf(NotACounterException.class).hasMessageContaining("big");
        assertThat(backend.get(NS, "big").orElseThrow().version()).isEqualTo(v);
        backend.set(NS, "small", bytes(Long.toString(Long.MIN_VALUE)), 0);
        assertThatThrownBy(() -> backend.increment(NS, "small", -1)).isInstanceOf(NotACounterException.class);
    }

    @Test
    void eventsFollowCommittedChangesOnly() {
        long v1 = backend.set(NS, "a", bytes("1"), 0);
        backend.delete(NS, "a");
        backend.delete(NS, "a");
        assertThat(backend.increment(NS, "n", 1)).isEqualTo(1);
        long v2 = backend.get(NS, "n").orElseThrow().version();
        backend.clear(NS);
        assertThat(recorder.events()).containsExactly(
                new Event(NS, ChangeType.SET, "a", v1),
                new Event(NS, ChangeType.DELETE, "a", 0),
                new Event(NS, ChangeType.SET, "n", v2),
                new Event(NS, ChangeType.CLEAR, null, 0));
    }

    @Test
    void deleteAndDeleteAllCountLiveKeysOnly() {
        backend.set(NS, "a", bytes("1"), 0);
        backend.set(NS, "b", bytes("2"), 0);
        backend.set(NS, "c", bytes("3"), 0);
        assertThat(backend.delete(NS, "zz")).isFalse();
        assertThat(backend.deleteAll(NS, List.of("a", "b", "zz"))).isEqualTo(2);
        assertThat(backend.list(NS, GlobPattern.compile("*"), null, 10).keys()).containsExactly("c");
        assertThat(recorder.events()).filteredOn(e -> e.type() == ChangeType.DELETE).extracting(Event::key)
                .containsExactly("a", "b");
    }

    @Test
    void getAllReturnsLiveEntriesOnly() {
        backend.set(NS, "a", bytes("1"), 0);
        backend.set(NS, "b", bytes("2"), 0);
        assertThat(backend.getAll(NS, List.of("a", "b", "c"))).extracting(BackendEntry::key)
                .containsExactlyInAnyOrder("a", "b");
        assertThat(backend.getAll(NS, List.of())).isEmpty();
    }

    @Test
    void commitAppliesAllWritesWhenPreconditionsHold() {
        long va = backend.set(NS, "a", bytes("1"), 0);
        backend.set(NS, "gone", bytes("x"), 0);
        recorder.clear();
        Map<String, Long> versions = backend.commit(NS,
                List.of(new Precondition("a", va), new Precondition("new", KeyValueStore.ABSENT)),
                List.of(new Write.Put("a", bytes("2"), 0), new Write.Put("new", bytes("n"), 0),
                        new Write.Remove("gone"), new Write.Put("a", bytes("3"), 60_000), new Write.Remove("absent")));
        assertThat(versions).containsOnlyKeys("a", "new");
        assertThat(text(backend.get(NS, "a").orElseThrow().value())).isEqualTo("3");
        assertThat(backend.get(NS, "a").orElseThrow().version()).isEqualTo(versions.get("a"));
        assertThat(versions.get("a")).isGreaterThan(versions.get("new"));
        assertThat(backend.exists(NS, "gone")).isFalse();
        assertThat(recorder.events()).extracting(Event::type, Event::key).containsExactly(
                org.assertj.core.groups.Tuple.tuple(ChangeType.SET, "a"),
                org.assertj.core.groups.Tuple.tuple(ChangeType.SET, "new"),
                org.assertj.core.groups.Tuple.tuple(ChangeType.DELETE, "gone"),
                org.assertj.core.groups.Tuple.tuple(ChangeType.SET, "a"));
    }

    @Test
    void commitWithAFailingPreconditionAppliesNothingAndNamesTheFirstFailure() {
        long va = backend.set(NS, "a", bytes("1"), 0);
        long vb = backend.set(NS, "b", bytes("1"), 0);
        recorder.clear();
        assertThatThrownBy(() -> backend.commit(NS,
                List.of(new Precondition("a", va), new Precondition("b", vb + 99), new Precondition("a", 1234)),
                List.of(new Write.Put("a", bytes("2"), 0), new Write.Remove("b"))))
                .isInstanceOfSatisfying(VersionConflictException.class, e -> {
                    assertThat(e.key()).isEqualTo("b");
                    assertThat(e.expectedVersion()).isEqualTo(vb + 99);
                    assertThat(e.actualVersion()).isEqualTo(vb);
                });
        assertThat(text(backend.get(NS, "a").orElseThrow().value())).isEqualTo("1");
        assertThat(backend.exists(NS, "b")).isTrue();
        assertThat(recorder.events()).isEmpty();
        assertThatThrownBy(() -> backend.commit(NS, List.of(new Precondition("absent", 7)), List.of()))
                .isInstanceOfSatisfying(VersionConflictException.class,
                        e -> assertThat(e.actualVersion()).isEqualTo(KeyValueStore.ABSENT));
    }

    @Test
    void quotaRefusesNewKeysButAllowsOverwritesAndCountsPerNamespace() {
        StorageBackend limited = open(Map.of("maxKeys", "2"));
        limited.set(NS, "a", bytes("1"), 0);
        limited.set(NS, "b", bytes("1"), 0);
        recorder.clear();
        assertThatThrownBy(() -> limited.set(NS, "c", bytes("1"), 0))
                .isInstanceOfSatisfying(QuotaExceededException.class, e -> {
                    assertThat(e.key()).isEqualTo("c");
                    assertThat(e.namespace()).isEqualTo("notes");
                    assertThat(e.maxKeys()).isEqualTo(2);
                });
        assertThatThrownBy(() -> limited.increment(NS, "c", 1)).isInstanceOf(QuotaExceededException.class);
        assertThatThrownBy(() -> limited.compareAndSet(NS, "c", 0, bytes("1"), 0))
                .isInstanceOf(QuotaExceededException.class);
        assertThat(recorder.events()).isEmpty();
        assertThat(limited.exists(NS, "c")).isFalse();
        limited.set(NS, "a", bytes("2"), 0);
        assertThat(limited.increment(NS, "b", 1)).isEqualTo(2);
        limited.set(NS.child("sub"), "c", bytes("1"), 0);
        limited.delete(NS, "a");
        limited.set(NS, "c", bytes("1"), 0);
        assertThat(limited.count(NS, GlobPattern.compile("*"))).isEqualTo(2);
        limited.clear(NS);
        limited.set(NS, "x", bytes("1"), 0);
        limited.set(NS, "y", bytes("1"), 0);
        assertThatThrownBy(() -> limited.set(NS, "z", bytes("1"), 0)).isInstanceOf(QuotaExceededException.class);
    }

    @Test
    void quotaInTransactionsCountsTheEndStateAndAppliesNothingWhenOver() {
        StorageBackend limited = open(Map.of("maxKeys", "3"));
        limited.set(NS, "a", bytes("1"), 0);
        limited.set(NS, "b", bytes("1"), 0);
        // Swapping one key for another at the limit fits, even though the put comes first.
        limited.set(NS, "c", bytes("1"), 0);
        limited.commit(NS, List.of(), List.of(new Write.Put("d", bytes("1"), 0), new Write.Remove("a")));
        assertThat(limited.list(NS, GlobPattern.compile("*"), null, 10).keys()).containsExactly("b", "c", "d");
        recorder.clear();
        assertThatThrownBy(() -> limited.commit(NS, List.of(), List.of(new Write.Put("b", bytes("2"), 0),
                new Write.Put("e", bytes("1"), 0), new Write.Put("f", bytes("1"), 0))))
                .isInstanceOfSatisfying(QuotaExceededException.class, e -> assertThat(e.key()).isEqualTo("e"));
        assertThat(text(limited.get(NS, "b").orElseThrow().value())).isEqualTo("1");
        assertThat(limited.exists(NS, "e")).isFalse();
        assertThat(recorder.events()).isEmpty();
        limited.commit(NS, List.of(), List.of(new Write.Put("b", bytes("2"), 0), new Write.Put("c", bytes("2"), 0)));
        assertThat(text(limited.get(NS, "c").orElseThrow().value())).isEqualTo("2");
    }

    @Test
    void locksAreSeparateFromDataKeys() {
        backend.set(NS, "job", bytes("data"), 0);
        assertThat(backend.tryLock(NS, "job", "t1", 30_000)).isTrue();
        assertThat(text(backend.get(NS, "job").orElseThrow().value())).isEqualTo("data");
        assertThat(backend.delete(NS, "job")).isTrue();
        assertThat(backend.tryLock(NS, "job", "t2", 30_000)).isFalse();
        assertThat(backend.unlock(NS, "job", "t1")).isTrue();
    }
}
