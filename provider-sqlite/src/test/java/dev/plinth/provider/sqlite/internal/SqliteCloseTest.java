package dev.plinth.provider.sqlite.internal;

import static dev.plinth.provider.sqlite.internal.TestBackends.writes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.StoreClosedException;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.Precondition;
import dev.plinth.spi.storage.Write;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteCloseTest {
    private static final Namespace NS = Namespace.of("c");

    @TempDir
    Path dir;

    @Test
    void closeIsIdempotentAndEveryMethodThenThrowsStoreClosed() {
        SqliteStorageBackend b = TestBackends.open(dir.resolve("c.db"));
        b.set(NS, "k", new byte[] {1}, 0);
        b.close();
        b.close();
        GlobPattern all = GlobPattern.compile("*");
        List<Runnable> calls = List.of(
                () -> b.get(NS, "k"),
                () -> b.read(NS, List.of("k")),
                () -> b.read(NS, List.of()),
                () -> b.exists(NS, "k"),
                () -> b.set(NS, "k", new byte[0], 0),
                () -> b.compareAndSet(NS, "k", 0, new byte[0], 0),
                () -> b.increment(NS, "n", 1),
                () -> b.delete(NS, "k"),
                () -> b.commit(NS, writes(new Write.Remove("k"))),
                () -> b.expire(NS, "k", 10),
                () -> b.list(NS, all, null, 10),
                () -> b.count(NS, all),
                () -> b.deleteMatching(NS, all),
                () -> b.clear(NS),
                () -> b.commit(NS, new Commit(List.of(new Precondition("k", 0)), List.of())),
                () -> b.tryLock(NS, "l", "t", 100),
                () -> b.renewLock(NS, "l", "t", 100),
                () -> b.unlock(NS, "l", "t"));
        for (Runnable call : calls) {
            assertThatThrownBy(call::run)
                    .isInstanceOf(StoreClosedException.class)
                    .hasMessageContaining("c.db");
        }
    }

    @Test
    void operationsRacingCloseFinishOrThrowStoreClosed() throws Exception {
        SqliteStorageBackend b =
                TestBackends.open(dir.resolve("race.db"), "readPoolSize", "2", "sweepInterval", "10ms");
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch running = new CountDownLatch(6);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            int id = t;
            threads.add(new Thread(() -> {
                running.countDown();
                int i = 0;
                while (!stop.get()) {
                    try {
                        if (id % 2 == 0) {
                            b.set(NS, "k" + id + ":" + (i++ % 50), new byte[] {1}, 5);
                        } else {
                            b.list(NS, GlobPattern.compile("k*"), null, 20);
                            b.get(NS, "k0:1");
                        }
                    } catch (StoreClosedException e) {
                        return;
                    } catch (Throwable e) {
                        unexpected.add(e);
                        return;
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        running.await();
        Thread.sleep(100);
        b.close();
        stop.set(true);
        for (Thread t : threads) {
            t.join(30_000);
            assertThat(t.isAlive()).as("thread ended").isFalse();
        }
        assertThat(unexpected).isEmpty();
    }
    /**
     * close() waits for the transaction in progress (bounded by busyTimeout) even when the closing thread is
     * interrupted: closing the connection under it would fail an operation that was about to commit. The
     * writer lock held by a test thread stands for that transaction.
     */
    @Test
    void anInterruptedCloseStillWaitsForTheWriteInProgressAndKeepsTheInterrupt() throws Exception {
        SqliteStorageBackend b = TestBackends.open(dir.resolve("irq-close.db"), "busyTimeout", "20s");
        ReentrantLock writerLock = b.writerForTests().lockForTests();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread inProgress = new Thread(() -> {
            writerLock.lock();
            try {
                held.countDown();
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                writerLock.unlock();
            }
        });
        inProgress.start();
        held.await();
        AtomicBoolean keptInterrupt = new AtomicBoolean();
        Thread closer = new Thread(() -> {
            Thread.currentThread().interrupt();
            b.close();
            keptInterrupt.set(Thread.currentThread().isInterrupted());
        });
        closer.start();
        // While the transaction holds the writer, close cannot have finished (it may wait up to 21 s).
        closer.join(500);
        assertThat(closer.isAlive())
                .as("close waits for the transaction in progress")
                .isTrue();
        release.countDown();
        closer.join(30_000);
        inProgress.join(30_000);
        assertThat(closer.isAlive()).isFalse();
        assertThat(keptInterrupt).as("the closer's interrupt status").isTrue();
        assertThatThrownBy(() -> b.get(NS, "k")).isInstanceOf(StoreClosedException.class);
    }
}
