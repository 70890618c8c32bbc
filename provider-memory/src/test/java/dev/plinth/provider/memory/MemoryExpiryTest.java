package dev.plinth.provider.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.QuotaExceededException;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Precondition;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.Write;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Expired keys are absent everywhere at once, reclaimed by the sweeper, and reported once. */
class MemoryExpiryTest extends BackendFixture {

    @Test
    void anExpiredKeyIsAbsentForEveryOperationBeforeItIsReclaimed() throws InterruptedException {
        MemoryStorageBackend backend = open(Map.of("sweepInterval", "1h", "maxKeys", "2"));
        long v = backend.set(NS, "k", bytes("7"), 20);
        backend.set(NS, "live", bytes("x"), 0);
        sleepPast(20);

        assertThat(backend.get(NS, "k")).isNull();
        assertThat(backend.exists(NS, "k")).isFalse();
        assertThat(backend.read(NS, List.of("k", "live"))).hasSize(1);
        assertThat(backend.list(NS, GlobPattern.compile("*"), null, 10)).containsExactly("live");
        assertThat(backend.list(NS, GlobPattern.compile("k"), null, 10)).isEmpty();
        assertThat(backend.count(NS, GlobPattern.compile("*"))).isEqualTo(1);
        assertThat(backend.compareAndSet(NS, "k", v, bytes("x"), 0)).isEqualTo(KeyValueStore.ABSENT);
        assertThat(backend.expire(NS, "k", 60_000)).isFalse();
        assertThat(backend.delete(NS, "k")).isFalse();
        assertThat(recorder.events())
                .filteredOn(e -> e.type() == ChangeType.DELETE)
                .isEmpty();

        backend.set(NS, "k", bytes("9"), 20);
        sleepPast(20);
        assertThat(backend.increment(NS, "k", 1)).isEqualTo(1);
        assertThat(present(backend.get(NS, "k")).expiresAtMillis()).isEqualTo(StorageBackend.NO_EXPIRY);

        backend.set(NS, "k", bytes("9"), 20);
        sleepPast(20);
        // The quota of 2 is full by count, but the expired key does not count.
        backend.commit(
                NS,
                new Commit(
                        List.of(new Precondition("k", KeyValueStore.ABSENT)),
                        List.of(new Write.Put("fresh", bytes("f"), 0))));
        assertThat(backend.exists(NS, "fresh")).isTrue();
        // Now "live" and "fresh" fill the quota for real.
        assertThatThrownBy(() -> backend.compareAndSet(NS, "k", KeyValueStore.ABSENT, bytes("y"), 0))
                .isInstanceOf(QuotaExceededException.class);
    }

    @Test
    void aWriteOverAnExpiredKeyStartsFreshAndReportsTheExpiryOnce() throws InterruptedException {
        MemoryStorageBackend backend = openWithoutSweeps();
        long v1 = backend.set(NS, "k", bytes("old"), 20);
        sleepPast(20);
        long v2 = backend.compareAndSet(NS, "k", KeyValueStore.ABSENT, bytes("new"), 0);
        assertThat(v2).isGreaterThan(v1);
        assertThat(recorder.events())
                .containsExactly(
                        new Event(NS, ChangeType.SET, "k", v1),
                        new Event(NS, ChangeType.EXPIRE, "k", 0),
                        new Event(NS, ChangeType.SET, "k", v2));
    }

    @Test
    void quotaIgnoresExpiredKeysNotYetReclaimed() throws InterruptedException {
        MemoryStorageBackend backend = open(Map.of("sweepInterval", "1h", "maxKeys", "3"));
        backend.set(NS, "e1", bytes("x"), 20);
        backend.set(NS, "e2", bytes("x"), 20);
        backend.set(NS, "live", bytes("x"), 0);
        sleepPast(20);
        backend.set(NS, "n1", bytes("x"), 0);
        backend.set(NS, "n2", bytes("x"), 0);
        assertThat(backend.count(NS, GlobPattern.compile("*"))).isEqualTo(3);
        assertThat(recorder.events())
                .filteredOn(e -> e.type() == ChangeType.EXPIRE)
                .extracting(Event::key)
                .containsExactlyInAnyOrder("e1", "e2");
    }

    @Test
    void theSweeperReclaimsExpiredKeysAndReportsEachOnce() throws InterruptedException {
        MemoryStorageBackend backend = open(Map.of("sweepInterval", "10ms"));
        long v = backend.set(NS, "short", bytes("x"), 30);
        backend.set(NS, "long", bytes("x"), 600_000);
        backend.set(NS.child("b"), "short", bytes("x"), 30);
        assertThat(recorder.await(
                        e -> e.type() == ChangeType.EXPIRE && e.namespace().equals(NS)))
                .isTrue();
        assertThat(recorder.await(
                        e -> e.type() == ChangeType.EXPIRE && !e.namespace().equals(NS)))
                .isTrue();
        // Later passes and reads must not report the same expiry again.
        sleepPast(50);
        assertThat(backend.get(NS, "short")).isNull();
        assertThat(backend.delete(NS, "short")).isFalse();
        assertThat(recorder.events())
                .filteredOn(e -> e.namespace().equals(NS))
                .containsExactly(
                        new Event(NS, ChangeType.SET, "short", v),
                        new Event(NS, ChangeType.SET, "long", v + 1),
                        new Event(NS, ChangeType.EXPIRE, "short", 0));
        assertThat(backend.exists(NS, "long")).isTrue();
    }

    @Test
    void theSweeperSkipsKeysRewrittenOrPersistedBeforeTheirDeadline() throws InterruptedException {
        MemoryStorageBackend backend = open(Map.of("sweepInterval", "10ms"));
        backend.set(NS, "rewritten", bytes("x"), 30);
        backend.set(NS, "rewritten", bytes("y"), 0);
        backend.set(NS, "persisted", bytes("x"), 30);
        backend.expire(NS, "persisted", StorageBackend.NO_EXPIRY);
        backend.set(NS, "marker", bytes("x"), 40);
        assertThat(recorder.await(e -> e.type() == ChangeType.EXPIRE)).isTrue();
        assertThat(recorder.events())
                .filteredOn(e -> e.type() == ChangeType.EXPIRE)
                .extracting(Event::key)
                .containsExactly("marker");
        assertThat(backend.exists(NS, "rewritten")).isTrue();
        assertThat(backend.exists(NS, "persisted")).isTrue();
    }

    @Test
    void expiryCanBeExtendedBeforeItPasses() throws InterruptedException {
        MemoryStorageBackend backend = open(Map.of("sweepInterval", "10ms"));
        backend.set(NS, "k", bytes("x"), 40);
        assertThat(backend.expire(NS, "k", 600_000)).isTrue();
        backend.set(NS, "marker", bytes("x"), 50);
        assertThat(recorder.await(e -> e.type() == ChangeType.EXPIRE)).isTrue();
        assertThat(backend.exists(NS, "k")).isTrue();
    }

    @Test
    void quotaIgnoresExpiredKeysWhileTheSweeperRuns() throws InterruptedException {
        MemoryStorageBackend backend = open(Map.of("sweepInterval", "10ms", "maxKeys", "5"));
        for (int i = 0; i < 4; i++) {
            backend.set(NS, "keep" + i, bytes("x"), 0);
        }
        for (int i = 0; i < 200; i++) {
            // The previous temporary key has expired: whether the sweeper got to it or not, it does not count.
            backend.set(NS, "tmp" + i, bytes("x"), 1);
            sleepPast(1);
        }
        assertThat(backend.count(NS, GlobPattern.compile("*"))).isEqualTo(4);
    }
}
