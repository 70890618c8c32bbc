package dev.plinth.provider.jsonfile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.spi.storage.Namespace;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Lease arithmetic on a monotonic clock whose origin is arbitrary, so deadlines may wrap. */
class LockTableTest {
    private static final Namespace NS = Namespace.of("jobs");
    private static final long MAX = KeyValueStore.MAX_DURATION.toMillis();

    @ParameterizedTest
    @ValueSource(longs = {0L, Long.MAX_VALUE - 1_000, Long.MIN_VALUE, -1L})
    void theLongestLeaseHoldsUntilItLapsesWhereverTheClockStarts(long origin) {
        AtomicLong clock = new AtomicLong(origin);
        LockTable locks = new LockTable(clock::get);
        assertThat(locks.tryLock(NS, "job", "t1", MAX)).isTrue();
        clock.addAndGet(TimeUnit.DAYS.toNanos(1));
        assertThat(locks.tryLock(NS, "job", "t2", MAX)).as("held a day later").isFalse();
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(MAX) - TimeUnit.DAYS.toNanos(1) - 1);
        assertThat(locks.tryLock(NS, "job", "t2", 1)).as("held 1 ns before it lapses").isFalse();
        assertThat(locks.renew(NS, "job", "t1", MAX)).isTrue();
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(MAX) - 1);
        locks.reclaimLapsed();
        assertThat(locks.size()).as("renewed lease still held").isEqualTo(1);
        clock.incrementAndGet();
        locks.reclaimLapsed();
        assertThat(locks.size()).as("lapsed exactly at its deadline").isZero();
        assertThat(locks.tryLock(NS, "job", "t2", MAX)).isTrue();
        assertThat(locks.unlock(NS, "job", "t2")).isTrue();
    }
}
