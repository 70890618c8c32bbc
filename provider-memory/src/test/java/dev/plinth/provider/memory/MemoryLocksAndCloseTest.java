package dev.plinth.provider.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.StoreClosedException;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.StorageBackend;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Lease locks, the lock registry returning to zero, and closing. */
class MemoryLocksAndCloseTest extends BackendFixture {

    @Test
    void aLockHasOneOwnerAndIsNotReentrant() {
        StorageBackend backend = open(Map.of());
        assertThat(backend.tryLock(NS, "job", "t1", 30_000)).isTrue();
        assertThat(backend.tryLock(NS, "job", "t2", 30_000)).isFalse();
        assertThat(backend.tryLock(NS, "job", "t1", 30_000)).isFalse();
        assertThat(backend.tryLock(Namespace.of("other"), "job", "t2", 30_000)).isTrue();
        assertThat(backend.renewLock(NS, "job", "t2", 30_000)).isFalse();
        assertThat(backend.renewLock(NS, "job", "t1", 30_000)).isTrue();
        assertThat(backend.unlock(NS, "job", "t2")).isFalse();
        assertThat(backend.lockEntries()).isEqualTo(2);
        assertThat(backend.unlock(NS, "job", "t1")).isTrue();
        assertThat(backend.unlock(NS, "job", "t1")).isFalse();
        assertThat(backend.renewLock(NS, "job", "t1", 30_000)).isFalse();
        assertThat(backend.unlock(Namespace.of("other"), "job", "t2")).isTrue();
        assertThat(backend.lockEntries()).isZero();
    }

    @Test
    void aLapsedLeaseIsLostAndReclaimed() throws InterruptedException {
        StorageBackend backend = open(Map.of("sweepInterval", "1h"));
        assertThat(backend.tryLock(NS, "a", "t1", 10)).isTrue();
        assertThat(backend.tryLock(NS, "b", "t1", 10)).isTrue();
        assertThat(backend.tryLock(NS, "c", "t1", 10)).isTrue();
        sleepPast(10);
        assertThat(backend.renewLock(NS, "a", "t1", 30_000)).isFalse();
        assertThat(backend.tryLock(NS, "b", "t2", 30_000)).isTrue();
        assertThat(backend.unlock(NS, "b", "t1")).isFalse();
        // "c" lapsed and was never touched again: the registry still drops it.
        assertThat(backend.lockEntries()).isEqualTo(1);
        assertThat(backend.unlock(NS, "b", "t2")).isTrue();
        assertThat(backend.lockEntries()).isZero();
    }

    @Test
    void theSweeperDropsLapsedLeases() throws InterruptedException {
        StorageBackend backend = open(Map.of("sweepInterval", "10ms"));
        backend.tryLock(NS, "a", "t1", 10);
        backend.set(NS, "marker", bytes("x"), 30);
        assertThat(recorder.await(e -> e.key() != null && e.key().equals("marker")
                && e.type() == dev.plinth.api.storage.ChangeType.EXPIRE)).isTrue();
        assertThat(backend.tryLock(NS, "a", "t2", 30_000)).isTrue();
        assertThat(backend.unlock(NS, "a", "t2")).isTrue();
        assertThat(backend.lockEntries()).isZero();
    }

    @Test
    void closeIsIdempotentStopsTheSweeperAndRefusesEveryLaterCall() throws InterruptedException {
        Set<Thread> before = sweepers();
        StorageBackend backend = open(Map.of("sweepInterval", "10ms"));
        backend.set(NS, "k", bytes("x"), 0);
        backend.tryLock(NS, "l", "t", 30_000);
        Set<Thread> mine = sweepers();
        mine.removeAll(before);
        assertThat(mine).hasSize(1);

        backend.close();
        backend.close();
        for (Thread t : mine) {
            t.join(10_000);
            assertThat(t.isAlive()).isFalse();
        }
        GlobPattern all = GlobPattern.compile("*");
        List<Executable> calls = List.of(
                () -> backend.get(NS, "k"),
                () -> backend.getAll(NS, List.of("k")),
                () -> backend.exists(NS, "k"),
                () -> backend.set(NS, "k", bytes("x"), 0),
                () -> backend.compareAndSet(NS, "k", 0, bytes("x"), 0),
                () -> backend.increment(NS, "k", 1),
                () -> backend.delete(NS, "k"),
                () -> backend.deleteAll(NS, List.of("k")),
                () -> backend.expire(NS, "k", 10),
                () -> backend.list(NS, all, null, 10),
                () -> backend.count(NS, all),
                () -> backend.deleteMatching(NS, all),
                () -> backend.clear(NS),
                () -> backend.commit(NS, List.of(), List.of()),
                () -> backend.tryLock(NS, "l", "t", 10),
                () -> backend.renewLock(NS, "l", "t", 10),
                () -> backend.unlock(NS, "l", "t"),
                backend::lockEntries);
        for (Executable call : calls) {
            assertThatThrownBy(call::execute).isInstanceOf(StoreClosedException.class);
        }
    }

    @Test
    void eachOpenIsAFreshEmptyStore() {
        StorageBackend first = open(Map.of());
        first.set(NS, "k", bytes("x"), 0);
        StorageBackend second = open(Map.of());
        assertThat(second.exists(NS, "k")).isFalse();
    }

    private static Set<Thread> sweepers() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("plinth-memory-sweeper") && t.isAlive())
                .collect(Collectors.toSet());
    }
}
