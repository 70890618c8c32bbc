package dev.plinth.provider.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.NotACounterException;
import dev.plinth.api.storage.QuotaExceededException;
import dev.plinth.api.storage.VersionConflictException;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.CommitResult;
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

    private final MemoryStorageBackend backend = open(Map.of());

    @Test
    void namespacesAreIsolatedIncludingLookAlikesAndChildren() {
        Namespace a = Namespace.of("a");
        Namespace ab = Namespace.of("a-b");
        Namespace child = a.child("b");
        backend.set(a, "k", bytes("in a"), 0);
        backend.set(ab, "k", bytes("in a-b"), 0);
        backend.set(child, "k", bytes("in a/b"), 0);
        backend.set(child, "only-child", bytes("x"), 0);

        assertThat(text(present(backend.get(a, "k")).value())).isEqualTo("in a");
        assertThat(text(present(backend.get(ab, "k")).value())).isEqualTo("in a-b");
        assertThat(text(present(backend.get(child, "k")).value())).isEqualTo("in a/b");
        assertThat(backend.exists(a, "only-child")).isFalse();
        assertThat(backend.list(a, GlobPattern.compile("*"), null, 100)).containsExactly("k");
        assertThat(backend.count(child, GlobPattern.compile("*"))).isEqualTo(2);

        backend.clear(a);
        assertThat(backend.exists(a, "k")).isFalse();
        assertThat(backend.exists(ab, "k")).isTrue();
        assertThat(backend.count(child, GlobPattern.compile("*"))).isEqualTo(2);
        assertThat(recorder.events())
                .filteredOn(e -> e.type() == ChangeType.CLEAR)
                .containsExactly(new Event(a, ChangeType.CLEAR, null, 0));

        assertThat(backend.deleteMatching(child, GlobPattern.compile("*"))).isEqualTo(2);
        assertThat(backend.exists(ab, "k")).isTrue();
    }

    @Test
    void getReturnsValueVersionAndExpiry() {
        long v = backend.set(NS, "k", bytes("hello"), 60_000);
        BackendEntry e = present(backend.get(NS, "k"));
        assertThat(e.key()).isEqualTo("k");
        assertThat(e.version()).isEqualTo(v).isPositive();
        assertThat(e.expiresAtMillis()).isBetween(System.currentTimeMillis(), System.currentTimeMillis() + 60_000);
        assertThat(text(e.value())).isEqualTo("hello");
        assertThat(backend.get(NS, "absent")).isNull();
        assertThat(backend.get(Namespace.of("never-used"), "k")).isNull();
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
        assertThat(present(backend.get(NS, "n")).version()).isGreaterThan(other);
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
        assertThat(text(present(backend.get(NS, "k")).value())).isEqualTo("second");
        assertThat(backend.compareAndSet(NS, "missing", 5, bytes("x"), 0)).isEqualTo(KeyValueStore.ABSENT);
        assertThat(backend.exists(NS, "missing")).isFalse();
        assertThat(recorder.events())
                .containsExactly(new Event(NS, ChangeType.SET, "k", v1), new Event(NS, ChangeType.SET, "k", v2));
    }

    @Test
    void expireAndPersistKeepValueAndVersion() {
        long v = backend.set(NS, "k", bytes("x"), 0);
        assertThat(backend.expire(NS, "k", 60_000)).isTrue();
        BackendEntry e = present(backend.get(NS, "k"));
        assertThat(e.version()).isEqualTo(v);
        assertThat(e.expiresAtMillis()).isPositive();
        assertThat(backend.expire(NS, "k", StorageBackend.NO_EXPIRY)).isTrue();
        assertThat(present(backend.get(NS, "k")).expiresAtMillis()).isEqualTo(StorageBackend.NO_EXPIRY);
        assertThat(present(backend.get(NS, "k")).version()).isEqualTo(v);
        assertThat(backend.expire(NS, "absent", 1000)).isFalse();
        assertThat(recorder.events()).containsExactly(new Event(NS, ChangeType.SET, "k", v));
    }

    @Test
    void setWithoutTtlRemovesAnEarlierExpiry() {
        backend.set(NS, "k", bytes("x"), 60_000);
        backend.set(NS, "k", bytes("y"), StorageBackend.NO_EXPIRY);
        assertThat(present(backend.get(NS, "k")).expiresAtMillis()).isEqualTo(StorageBackend.NO_EXPIRY);
    }

    @Test
    void countersAddDecimalTextAndKeepTheExpiry() {
        assertThat(backend.increment(NS, "c", 5)).isEqualTo(5);
        assertThat(backend.increment(NS, "c", -7)).isEqualTo(-2);
        assertThat(text(present(backend.get(NS, "c")).value())).isEqualTo("-2");
        backend.set(NS, "c", bytes("40"), 60_000);
        long expiresAt = present(backend.get(NS, "c")).expiresAtMillis();
        assertThat(backend.increment(NS, "c", 2)).isEqualTo(42);
        assertThat(present(backend.get(NS, "c")).expiresAtMillis()).isEqualTo(expiresAt);
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
                    .satisfies(
                            ex -> assertThat(((NotACounterException) ex).key()).isEqualTo("bad"));
            assertThat(text(present(backend.get(NS, "bad")).value())).isEqualTo(bad);
            assertThat(recorder.events()).isEmpty();
        }
        backend.set(NS, "big", bytes(Long.toString(Long.MAX_VALUE)), 0);
        long v = present(backend.get(NS, "big")).version();
        assertThatThrownBy(() -> backend.increment(NS, "big", 1))
                .isInstanceOf(NotACounterException.class)
                .hasMessageContaining("big");
        assertThat(present(backend.get(NS, "big")).version()).isEqualTo(v);
        backend.set(NS, "small", bytes(Long.toString(Long.MIN_VALUE)), 0);
        assertThatThrownBy(() -> backend.increment(NS, "small", -1)).isInstanceOf(NotACounterException.class);
    }

    @Test
    void eventsFollowCommittedChangesOnly() {
        long v1 = backend.set(NS, "a", bytes("1"), 0);
        backend.delete(NS, "a");
        backend.delete(NS, "a");
        assertThat(backend.increment(NS, "n", 1)).isEqualTo(1);
        long v2 = present(backend.get(NS, "n")).version();
        backend.clear(NS);
        assertThat(recorder.events())
                .containsExactly(
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
        CommitResult removed =
                backend.commit(NS, writes(new Write.Remove("a"), new Write.Remove("b"), new Write.Remove("zz")));
        assertThat(List.of(removed.applied(0), removed.applied(1), removed.applied(2)))
                .containsExactly(true, true, false);
        assertThat(backend.list(NS, GlobPattern.compile("*"), null, 10)).containsExactly("c");
        assertThat(recorder.events())
                .filteredOn(e -> e.type() == ChangeType.DELETE)
                .extracting(Event::key)
                .containsExactly("a", "b");
    }

    @Test
    void getAllReturnsLiveEntriesOnly() {
        backend.set(NS, "a", bytes("1"), 0);
        backend.set(NS, "b", bytes("2"), 0);
        assertThat(backend.read(NS, List.of("a", "b", "c")))
                .extracting(BackendEntry::key)
                .containsExactlyInAnyOrder("a", "b");
        assertThat(backend.read(NS, List.of())).isEmpty();
    }

    @Test
    void commitAppliesAllWritesWhenPreconditionsHold() {
        long va = backend.set(NS, "a", bytes("1"), 0);
        backend.set(NS, "gone", bytes("x"), 0);
        recorder.clear();
        CommitResult result = backend.commit(
                NS,
                new Commit(
                        List.of(new Precondition("a", va), new Precondition("new", KeyValueStore.ABSENT)),
                        List.of(
                                new Write.Put("a", bytes("2"), 0),
                                new Write.Put("new", bytes("n"), 0),
                                new Write.Remove("gone"),
                                new Write.Put("a", bytes("3"), 60_000),
                                new Write.Remove("absent"))));
        assertThat(result.size()).isEqualTo(5);
        assertThat(result.applied(2)).as("gone was live").isTrue();
        assertThat(result.applied(4)).as("absent was not").isFalse();
        assertThat(text(present(backend.get(NS, "a")).value())).isEqualTo("3");
        assertThat(present(backend.get(NS, "a")).version()).isEqualTo(result.outcome(3));
        assertThat(result.outcome(3)).isGreaterThan(result.outcome(1)).isGreaterThan(result.outcome(0));
        assertThat(backend.exists(NS, "gone")).isFalse();
        assertThat(recorder.events())
                .extracting(Event::type, Event::key)
                .containsExactly(
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
        assertThatThrownBy(() -> backend.commit(
                        NS,
                        new Commit(
                                List.of(
                                        new Precondition("a", va),
                                        new Precondition("b", vb + 99),
                                        new Precondition("a", 1234)),
                                List.of(new Write.Put("a", bytes("2"), 0), new Write.Remove("b")))))
                .isInstanceOfSatisfying(VersionConflictException.class, e -> {
                    assertThat(e.key()).isEqualTo("b");
                    assertThat(e.expectedVersion()).isEqualTo(vb + 99);
                    assertThat(e.actualVersion()).isEqualTo(vb);
                });
        assertThat(text(present(backend.get(NS, "a")).value())).isEqualTo("1");
        assertThat(backend.exists(NS, "b")).isTrue();
        assertThat(recorder.events()).isEmpty();
        assertThatThrownBy(() -> backend.commit(NS, new Commit(List.of(new Precondition("absent", 7)), List.of())))
                .isInstanceOfSatisfying(
                        VersionConflictException.class,
                        e -> assertThat(e.actualVersion()).isEqualTo(KeyValueStore.ABSENT));
    }

    @Test
    void quotaRefusesNewKeysButAllowsOverwritesAndCountsPerNamespace() {
        MemoryStorageBackend limited = open(Map.of("maxKeys", "2"));
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
    void anExpireInACommitKeepsItsKeyLiveForTheQuota() {
        MemoryStorageBackend limited = open(Map.of("maxKeys", "2"));
        limited.set(NS, "a", bytes("1"), 0);
        limited.set(NS, "b", bytes("1"), 0);
        // Counted as a removal, the Expire would make room for c and leave three live keys under a limit of 2.
        assertThatThrownBy(() ->
                        limited.commit(NS, writes(new Write.Expire("a", 60_000), new Write.Put("c", bytes("1"), 0))))
                .isInstanceOfSatisfying(
                        QuotaExceededException.class, e -> assertThat(e.key()).isEqualTo("c"));
        assertThat(limited.exists(NS, "c")).isFalse();
        assertThat(present(limited.get(NS, "a")).expiresAtMillis()).isEqualTo(StorageBackend.NO_EXPIRY);
        assertThat(limited.commit(NS, writes(new Write.Expire("a", 60_000))).applied(0))
                .isTrue();
    }

    @Test
    void quotaInTransactionsCountsTheEndStateAndAppliesNothingWhenOver() {
        MemoryStorageBackend limited = open(Map.of("maxKeys", "3"));
        limited.set(NS, "a", bytes("1"), 0);
        limited.set(NS, "b", bytes("1"), 0);
        // Swapping one key for another at the limit fits, even though the put comes first.
        limited.set(NS, "c", bytes("1"), 0);
        limited.commit(NS, writes(new Write.Put("d", bytes("1"), 0), new Write.Remove("a")));
        assertThat(limited.list(NS, GlobPattern.compile("*"), null, 10)).containsExactly("b", "c", "d");
        recorder.clear();
        assertThatThrownBy(() -> limited.commit(
                        NS,
                        writes(
                                new Write.Put("b", bytes("2"), 0),
                                new Write.Put("e", bytes("1"), 0),
                                new Write.Put("f", bytes("1"), 0))))
                .isInstanceOfSatisfying(
                        QuotaExceededException.class, e -> assertThat(e.key()).isEqualTo("e"));
        assertThat(text(present(limited.get(NS, "b")).value())).isEqualTo("1");
        assertThat(limited.exists(NS, "e")).isFalse();
        assertThat(recorder.events()).isEmpty();
        limited.commit(NS, writes(new Write.Put("b", bytes("2"), 0), new Write.Put("c", bytes("2"), 0)));
        assertThat(text(present(limited.get(NS, "c")).value())).isEqualTo("2");
    }
}
