package dev.plinth.provider.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.StorageBackend;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sequence lock of {@link KeyIndex.Slot}: lock-free readers see value, version and expiry of one and
 * the same write, never a mix of two.
 */
class SlotTest {
    /** Far in the future, so every stored value is live; each write's deadline is this plus or minus its number. */
    private static final long BASE_DEADLINE = 4_000_000_000_000L;

    private static final InstantSource CLOCK = InstantSource.fixed(Instant.ofEpochMilli(1_000L));

    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    /** A value that names the write it came from, so a reader can tell whether the other fields match. */
    private static byte[] valueOf(long n) {
        return ByteBuffer.allocate(Long.BYTES).putLong(n).array();
    }

    private static long writeOf(byte[] value) {
        return ByteBuffer.wrap(value).getLong();
    }

    @Test
    void concurrentWritersAndReadersNeverSeeATornValueVersionExpiry() throws Exception {
        KeyIndex.Slot slot = new KeyIndex.Slot("k");
        synchronized (slot) {
            slot.store(valueOf(1), 1, BASE_DEADLINE + 1);
        }
        int writes = 200_000;
        AtomicBoolean writing = new AtomicBoolean(true);
        CyclicBarrier start = new CyclicBarrier(4);
        List<Future<Long>> writers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            int parity = w;
            writers.add(pool.submit(() -> {
                start.await();
                for (long n = 2 + parity; n < writes; n += 2) {
                    synchronized (slot) {
                        // Half the writes then change the expiry alone, from "minus n" to "plus n": a
                        // reader may see either, but never a deadline naming another write.
                        if (n % 4 < 2) {
                            slot.store(valueOf(n), n, BASE_DEADLINE + n);
                        } else {
                            slot.store(valueOf(n), n, BASE_DEADLINE - n);
                            slot.storeExpiry(BASE_DEADLINE + n);
                        }
                    }
                }
                return 0L;
            }));
        }
        List<Future<Long>> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            readers.add(pool.submit(() -> {
                start.await();
                long torn = 0;
                long reads = 0;
                // Bounded by the writers, and by a read count so that a hang cannot outlive a failure.
                while ((writing.get() || reads < 1_000) && reads < 50_000_000L) {
                    BackendEntry e = slot.liveEntry(null, 0L);
                    long n = writeOf(e.value());
                    long at = e.expiresAtMillis();
                    if (e.version() != n || (at != BASE_DEADLINE + n && at != BASE_DEADLINE - n)) {
                        torn++;
                    }
                    long v = slot.liveVersion(0L);
                    byte[] value = slot.liveValue(CLOCK);
                    if (v < 1 || value == null) {
                        torn++;
                    }
                    reads++;
                }
                return torn;
            }));
        }
        for (Future<Long> w : writers) {
            w.get();
        }
        writing.set(false);
        for (Future<Long> r : readers) {
            assertThat(r.get()).as("reads pairing fields of different writes").isZero();
        }
        BackendEntry last = slot.liveEntry(null, 0L);
        assertThat(last.version()).isGreaterThanOrEqualTo(writes - 2L);
        assertThat(writeOf(last.value())).isEqualTo(last.version());
    }

    @Test
    void readsHonourAbsenceAndDeadlineAndExpiryOnlyWritesKeepValueAndVersion() {
        KeyIndex.Slot slot = new KeyIndex.Slot("k");
        assertThat(slot.liveValue(CLOCK)).isNull();
        assertThat(slot.liveEntry(CLOCK, 0L)).isNull();
        assertThat(slot.liveVersion(0L)).isZero();

        byte[] value = {1, 2, 3};
        synchronized (slot) {
            slot.store(value, 7, 1_500L);
        }
        assertThat(slot.liveValue(CLOCK)).isSameAs(value); // the stored array, never changed in place
        assertThat(slot.liveEntry(CLOCK, 0L)).isEqualTo(new BackendEntry("k", value, 7, 1_500L));
        assertThat(slot.liveVersion(1_499L)).isEqualTo(7);
        assertThat(slot.liveVersion(1_500L)).as("due at its deadline").isZero();
        assertThat(slot.liveEntry(null, 1_500L)).isNull();

        synchronized (slot) {
            slot.storeExpiry(500L); // before the clock's 1,000: expired
        }
        assertThat(slot.liveValue(CLOCK)).isNull();
        assertThat(slot.heldPresent()).as("expired, not removed").isTrue();
        synchronized (slot) {
            slot.storeExpiry(StorageBackend.NO_EXPIRY);
        }
        assertThat(slot.liveEntry(CLOCK, 0L)).isEqualTo(new BackendEntry("k", value, 7, StorageBackend.NO_EXPIRY));
        assertThat(slot.liveVersion(Long.MAX_VALUE)).isEqualTo(7);

        synchronized (slot) {
            slot.empty();
        }
        assertThat(slot.liveValue(CLOCK)).isNull();
        assertThat(slot.liveVersion(0L)).isZero();
        assertThat(slot.heldPresent()).isFalse();
    }

    @Test
    void aReadHoldingTheMonitorSeesTheLatestWriteWithoutWaiting() throws Exception {
        // A change listener runs on the writer's thread, inside the slot's monitor, and may read the key.
        KeyIndex.Slot slot = new KeyIndex.Slot("k");
        byte[] first = {1};
        byte[] second = {2};
        BackendEntry seen = pool.submit(() -> {
                    synchronized (slot) {
                        slot.store(first, 1, StorageBackend.NO_EXPIRY);
                        slot.store(second, 2, StorageBackend.NO_EXPIRY);
                        return slot.liveEntry(CLOCK, 0L);
                    }
                })
                .get();
        assertThat(seen).isEqualTo(new BackendEntry("k", second, 2, StorageBackend.NO_EXPIRY));
        // And once the writer left, a reader on another thread sees the same.
        assertThat(slot.liveEntry(CLOCK, 0L)).isEqualTo(seen);
    }
}
