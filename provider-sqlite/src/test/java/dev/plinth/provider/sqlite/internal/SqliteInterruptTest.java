package dev.plinth.provider.sqlite.internal;

import static dev.plinth.provider.sqlite.internal.TestBackends.present;
import static dev.plinth.provider.sqlite.internal.TestBackends.writes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.api.storage.StorageException;
import dev.plinth.provider.sqlite.internal.TestBackends.Recorder;
import dev.plinth.spi.storage.Counters;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.Write;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Callers interrupted before or during their call, while other threads write and read: an interrupted call
 * completes or fails alone (keeping its thread's interrupt status), nobody else sees a failure, and the
 * backend serves everyone afterwards.
 */
class SqliteInterruptTest {
    private static final Namespace NS = Namespace.of("irq");
    private static final long NONE = StorageBackend.NO_EXPIRY;
    private static final int STEADY = 4;
    private static final int VICTIMS = 3;
    private static final int OPS = 300;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "exclusive={0}")
    @ValueSource(booleans = {false, true})
    void interruptedCallersFinishOrFailAloneAndEveryoneElseKeepsWorking(boolean exclusive) throws Exception {
        Recorder events = new Recorder();
        // A small read pool, so that readers wait for a connection; a fast sweeper, so that it contends too.
        SqliteStorageBackend backend = TestBackends.open(
                dir.resolve("irq.db"),
                events,
                "exclusive",
                Boolean.toString(exclusive),
                "readPoolSize",
                "1",
                "sweepInterval",
                "10ms");
        try {
            Queue<Throwable> steadyFailures = new ConcurrentLinkedQueue<>();
            Queue<String> victimProblems = new ConcurrentLinkedQueue<>();
            Queue<String> acknowledgedKeys = new ConcurrentLinkedQueue<>();
            AtomicLong increments = new AtomicLong();
            AtomicLong victimFailures = new AtomicLong();
            AtomicLong victimCalls = new AtomicLong();
            List<Thread> victims = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < STEADY; t++) {
                String own = "steady" + t + ":";
                threads.add(new Thread(
                        () -> {
                            for (int i = 0; i < OPS; i++) {
                                try {
                                    call(backend, i, own + i, acknowledgedKeys, increments);
                                } catch (Throwable e) {
                                    steadyFailures.add(e);
                                }
                            }
                        },
                        own));
            }
            for (int t = 0; t < VICTIMS; t++) {
                String own = "victim" + t + ":";
                Thread victim = new Thread(
                        () -> {
                            for (int i = 0; i < OPS; i++) {
                                boolean selfInterrupted = i % 2 == 0;
                                if (selfInterrupted) {
                                    Thread.currentThread().interrupt();
                                }
                                victimCalls.incrementAndGet();
                                try {
                                    call(backend, i, own + i, acknowledgedKeys, increments);
                                } catch (StorageException e) {
                                    victimFailures.incrementAndGet();
                                    if (!String.valueOf(e.getMessage()).contains("nterrupted")) {
                                        victimProblems.add("not an interrupt error: " + e);
                                    }
                                } catch (Throwable e) {
                                    victimProblems.add("unexpected: " + e);
                                }
                                if (selfInterrupted && !Thread.currentThread().isInterrupted()) {
                                    victimProblems.add("call " + i + " cleared the caller's interrupt status");
                                }
                                Thread.interrupted();
                            }
                        },
                        own);
                victims.add(victim);
                threads.add(victim);
            }
            AtomicBoolean done = new AtomicBoolean();
            Thread interrupter = new Thread(
                    () -> {
                        while (!done.get()) {
                            victims.get(ThreadLocalRandom.current().nextInt(VICTIMS))
                                    .interrupt();
                            LockSupport.parkNanos(200_000);
                        }
                    },
                    "interrupter");
            threads.forEach(Thread::start);
            interrupter.start();
            for (Thread t : threads) {
                t.join(120_000);
                assertThat(t.isAlive()).as(t.getName() + " finished").isFalse();
            }
            done.set(true);
            interrupter.join();
            System.out.printf(
                    "exclusive=%s: %d interrupted callers' calls, %d of them failed alone; %d other calls,"
                            + " %d failed%n",
                    exclusive, victimCalls.get(), victimFailures.get(), (long) STEADY * OPS, steadyFailures.size());

            assertThat(steadyFailures).as("calls of threads nobody interrupted").isEmpty();
            assertThat(victimProblems).isEmpty();
            // Every acknowledged write is there, and only those: the counter counts exactly the acknowledged.
            for (String key : acknowledgedKeys) {
                assertThat(backend.exists(NS, key)).as(key).isTrue();
            }
            assertThat(Counters.parse("n", present(backend.get(NS, "n")).value()))
                    .isEqualTo(increments.get());
            // Everyone is served afterwards, background work included.
            assertThat(backend.set(NS, "after", new byte[] {1}, NONE)).isPositive();
            assertThat(backend.commit(
                                    NS,
                                    writes(
                                            new Write.Put("after2", new byte[] {2}, NONE),
                                            new Write.Put("after3", new byte[] {3}, NONE)))
                            .size())
                    .isEqualTo(2);
            assertThat(backend.list(NS, GlobPattern.compile("after*"), null, 10))
                    .containsExactly("after", "after2", "after3");
            backend.set(NS, "ttl", new byte[] {1}, 20);
            TestBackends.await(
                    "the sweeper reclaims a key after the interrupts",
                    () -> events.events().stream()
                            .anyMatch(e ->
                                    e.type() == ChangeType.EXPIRE && e.key().equals("ttl")));
        } finally {
            backend.close();
        }
    }

    private static void call(
            SqliteStorageBackend backend, int i, String key, Queue<String> acknowledged, AtomicLong increments) {
        switch (i % 5) {
            case 0:
                backend.set(NS, key, new byte[] {1}, NONE);
                acknowledged.add(key);
                break;
            case 1:
                backend.increment(NS, "n", 1);
                increments.incrementAndGet();
                break;
            case 2:
                backend.get(NS, "n");
                break;
            case 3:
                backend.list(NS, GlobPattern.compile("steady*"), null, 20);
                break;
            default:
                backend.commit(
                        NS,
                        writes(
                                new Write.Put(key, new byte[] {2}, NONE),
                                new Write.Put(key + ":b", new byte[] {3}, NONE)));
                acknowledged.add(key);
                acknowledged.add(key + ":b");
                break;
        }
    }
}
