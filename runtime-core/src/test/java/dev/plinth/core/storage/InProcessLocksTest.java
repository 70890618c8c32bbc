package dev.plinth.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.spi.storage.Namespace;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The runtime's locks for backends without native ones, on a fake monotonic clock (no sleeping). */
class InProcessLocksTest {
    private static final Namespace NS = Namespace.of("notes");
    private final AtomicLong nanos = new AtomicLong(Long.MAX_VALUE - TimeUnit.SECONDS.toNanos(1));
    private final InProcessLocks locks = new InProcessLocks(nanos::get);

    private void advanceMillis(long millis) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    @Test
    void aLockHasOneOwnerIsNotReentrantAndIsPerScope() {
        assertThat(locks.tryLock(NS, "job", "t1", 30_000)).isTrue();
        assertThat(locks.tryLock(NS, "job", "t2", 30_000)).isFalse();
        assertThat(locks.tryLock(NS, "job", "t1", 30_000)).isFalse();
        assertThat(locks.tryLock(Namespace.of("other"), "job", "t2", 30_000)).isTrue();
        assertThat(locks.renewLock(NS, "job", "t2", 30_000)).isFalse();
        assertThat(locks.renewLock(NS, "job", "t1", 30_000)).isTrue();
        assertThat(locks.unlock(NS, "job", "t2")).isFalse();
        assertThat(locks.lockEntries()).isEqualTo(2);
        assertThat(locks.unlock(NS, "job", "t1")).isTrue();
        assertThat(locks.unlock(NS, "job", "t1")).isFalse();
        assertThat(locks.renewLock(NS, "job", "t1", 30_000)).isFalse();
        assertThat(locks.unlock(Namespace.of("other"), "job", "t2")).isTrue();
        assertThat(locks.lockEntries()).isZero();
    }

    @Test
    void aLapsedLeaseIsLostTakenOverAndPurgedEvenAcrossTheNanoTimeWrap() {
        // The clock starts a second before Long.MAX_VALUE: every deadline below wraps past it.
        assertThat(locks.tryLock(NS, "a", "t1", 10)).isTrue();
        assertThat(locks.tryLock(NS, "b", "t1", 10)).isTrue();
        assertThat(locks.tryLock(NS, "c", "t1", 10)).isTrue();
        advanceMillis(9);
        assertThat(locks.tryLock(NS, "a", "t2", 10))
                .as("still held a millisecond before the lease ends")
                .isFalse();
        advanceMillis(1);
        assertThat(locks.renewLock(NS, "a", "t1", 30_000)).isFalse();
        assertThat(locks.tryLock(NS, "b", "t2", 30_000)).isTrue();
        assertThat(locks.unlock(NS, "b", "t1")).isFalse();
        locks.purgeLapsed();
        // "c" lapsed and was never touched again: the purge drops it; b is held by t2.
        assertThat(locks.lockEntries()).isEqualTo(1);
        assertThat(locks.unlock(NS, "b", "t2")).isTrue();
        assertThat(locks.lockEntries()).isZero();
    }

    @Test
    void theLongestLeaseNeitherOverflowsNorLapses() {
        long max = dev.plinth.api.storage.KeyValueStore.MAX_DURATION.toMillis();
        assertThat(locks.tryLock(NS, "long", "t1", max)).isTrue();
        advanceMillis(TimeUnit.DAYS.toMillis(36_499));
        assertThat(locks.tryLock(NS, "long", "t2", 1000)).isFalse();
        assertThat(locks.renewLock(NS, "long", "t1", max)).isTrue();
    }
}
