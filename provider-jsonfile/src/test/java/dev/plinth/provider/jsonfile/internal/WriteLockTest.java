package dev.plinth.provider.jsonfile.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class WriteLockTest {
    @Test
    void writersStopTakingTheLockOutOfTurnWhileAMaintenanceTaskWaits() throws InterruptedException {
        WriteLock lock = new WriteLock();
        AtomicBoolean maintained = new AtomicBoolean();
        Thread maintenance = new Thread(() -> {
            lock.lock();
            try {
                maintained.set(true);
            } finally {
                lock.unlock();
            }
        });
        lock.lockForWrite();
        try {
            assertThat(lock.writersMayBarge()).isTrue();
            maintenance.start();
            while (!lock.hasQueuedThread(maintenance)) {
                Thread.onSpinWait();
            }
            // A barging writer could otherwise win every release against the waiting compactor or sweeper.
            assertThat(lock.writersMayBarge()).isFalse();
        } finally {
            lock.unlock();
        }
        maintenance.join(10_000);
        assertThat(maintained).isTrue();
        assertThat(lock.writersMayBarge()).isTrue();
    }

    @Test
    void aWriterTakesAFreeLockAndReentersLikeAnyReentrantLock() {
        WriteLock lock = new WriteLock();
        lock.lockForWrite();
        lock.lockForWrite();
        assertThat(lock.getHoldCount()).isEqualTo(2);
        lock.unlock();
        lock.unlock();
        assertThat(lock.isLocked()).isFalse();
        assertThat(lock.isFair()).isTrue();
    }
}
