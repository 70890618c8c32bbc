package dev.plinth.provider.sqlite.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.api.storage.BackendUnavailableException;
import dev.plinth.api.storage.ChangeType;
import dev.plinth.provider.sqlite.internal.TestBackends.Event;
import dev.plinth.provider.sqlite.internal.TestBackends.Recorder;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.CommitResult;
import dev.plinth.spi.storage.Counters;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.Precondition;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.Write;
import dev.plinth.tck.SmallFilesystem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A real full disk: the database lives on a small tmpfs ({@link SmallFilesystem}) that a ballast file fills.
 * Writes then fail with a retryable error saying "disk full" and naming the file; once the file system grows,
 * the same open backend (no reopen) takes every kind of write again, its reads, change feed and sweeper still
 * work, and after a reopen the store holds exactly the acknowledged writes.
 */
class SqliteDiskFullTest {
    private static final Namespace NS = Namespace.of("full");
    private static final long NONE = StorageBackend.NO_EXPIRY;
    /** Large enough that every write needs new pages, so the full disk refuses it. */
    private static final int VALUE_BYTES = 4096;

    private static final int FULL_ROUNDS = 10;
    private static final int RECOVERED_ROUNDS = 20;
    private static final int WRITERS = 4;
    private static final int SETS_PER_WRITER = 25;

    /** Every acknowledged write applied in order: what the store must hold. */
    private final Map<String, byte[]> model = new TreeMap<>();
    /** Keys present in the model that a later delete may remove. */
    private final Deque<String> deletable = new ArrayDeque<>();
    /** SET versions acknowledged after the disk grew, which the change feed must report. */
    private final Map<String, Long> recoveredSets = new LinkedHashMap<>();

    private boolean recovered;
    private long counter;
    private int serial;

    private enum Op {
        SET,
        SET_ALL,
        TRANSACTION,
        INCREMENT,
        DELETE
    }

    @ParameterizedTest(name = "exclusive={0}")
    @ValueSource(booleans = {false, true})
    void theSameOpenBackendWritesAgainOnceTheDiskHasRoom(boolean exclusive) {
        try (SmallFilesystem fs = SmallFilesystem.mount(6L << 20)) {
            Path file = fs.path().resolve("full.db");
            Recorder events = new Recorder();
            Recorder peerEvents = new Recorder();
            SqliteStorageBackend backend =
                    TestBackends.open(file, events, "exclusive", Boolean.toString(exclusive), "sweepInterval", "50ms");
            // Shared mode: a second backend on the file, whose change feed must also survive the episode.
            SqliteStorageBackend peer = exclusive ? null : TestBackends.open(file, peerEvents, "sweepInterval", "50ms");
            try {
                for (int i = 0; i < 60; i++) {
                    run(backend, Op.SET);
                }
                fs.fill();

                List<RuntimeException> failures = new ArrayList<>();
                int acknowledgedWhileFull = 0;
                for (int round = 0; round < FULL_ROUNDS; round++) {
                    for (Op op : Op.values()) {
                        try {
                            run(backend, op);
                            acknowledgedWhileFull++;
                        } catch (RuntimeException e) {
                            failures.add(e);
                        }
                    }
                }
                System.out.printf(
                        "exclusive=%s, disk full: %d of %d writes failed, %d acknowledged; failures: %s%n",
                        exclusive,
                        failures.size(),
                        FULL_ROUNDS * Op.values().length,
                        acknowledgedWhileFull,
                        summary(failures));
                // Writers at once, so that the group commit fails and falls back to each operation alone.
                List<RuntimeException> groupFailures = concurrentSets(backend, "full-group:");
                System.out.printf(
                        "exclusive=%s, disk full, %d writers at once: %d of %d writes failed%n",
                        exclusive, WRITERS, groupFailures.size(), WRITERS * SETS_PER_WRITER);
                failures.addAll(groupFailures);
                assertThat(failures).as("writes refused by the full disk").isNotEmpty();
                for (RuntimeException e : failures) {
                    assertThat(e).isInstanceOf(BackendUnavailableException.class);
                    assertThat(e.getMessage()).contains("disk full").contains(file.toString());
                }
                assertHoldsTheModel(backend, "while the disk is full");

                fs.resize(12L << 20);
                recovered = true;
                int written = 0;
                for (int round = 0; round < RECOVERED_ROUNDS; round++) {
                    for (Op op : Op.values()) {
                        run(backend, op);
                        written++;
                    }
                }
                List<RuntimeException> lateFailures = concurrentSets(backend, "grown-group:");
                assertThat(lateFailures)
                        .as("concurrent writes after the disk grew")
                        .isEmpty();
                written += WRITERS * SETS_PER_WRITER;
                System.out.printf(
                        "exclusive=%s, after growing the file system: %d of %d writes succeeded (%d of them"
                                + " from %d writers at once)%n",
                        exclusive,
                        written,
                        RECOVERED_ROUNDS * Op.values().length + WRITERS * SETS_PER_WRITER,
                        WRITERS * SETS_PER_WRITER,
                        WRITERS);
                assertHoldsTheModel(backend, "after the disk grew, before a reopen");

                for (Map.Entry<String, Long> set : recoveredSets.entrySet()) {
                    assertThat(events.events())
                            .contains(new Event(NS.path(), ChangeType.SET, set.getKey(), set.getValue()));
                }
                if (peer != null) {
                    Map.Entry<String, Long> last = recoveredSets.entrySet().stream()
                            .reduce((a, b) -> b)
                            .orElseThrow();
                    TestBackends.await(
                            "the peer backend reports the writes made after the disk grew",
                            () -> peerEvents
                                    .events()
                                    .contains(new Event(NS.path(), ChangeType.SET, last.getKey(), last.getValue())));
                    assertHoldsTheModel(peer, "in the peer backend");
                }
                backend.set(NS, "ttl:probe", new byte[] {1}, 100);
                TestBackends.await(
                        "the sweeper reclaims a key that expired after the disk grew",
                        () -> events.events().stream()
                                .anyMatch(e ->
                                        e.type() == ChangeType.EXPIRE && e.key().equals("ttl:probe")));
            } finally {
                backend.close();
                if (peer != null) {
                    peer.close();
                }
            }
            try (SqliteStorageBackend reopened = TestBackends.open(file, "exclusive", Boolean.toString(exclusive))) {
                assertHoldsTheModel(reopened, "after a reopen");
            }
        }
    }

    /**
     * {@link #WRITERS} threads each set {@link #SETS_PER_WRITER} keys; the acknowledged ones join the model.
     *
     * @return the failures
     */
    private List<RuntimeException> concurrentSets(SqliteStorageBackend backend, String prefix) {
        List<RuntimeException> failures = new CopyOnWriteArrayList<>();
        Map<String, byte[]> acknowledged = new ConcurrentHashMap<>();
        CyclicBarrier start = new CyclicBarrier(WRITERS);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < WRITERS; t++) {
            String own = prefix + t + ":";
            threads.add(new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException | BrokenBarrierException e) {
                    throw new AssertionError(e);
                }
                for (int i = 0; i < SETS_PER_WRITER; i++) {
                    String key = own + i;
                    try {
                        backend.set(NS, key, value(key), NONE);
                        acknowledged.put(key, value(key));
                    } catch (RuntimeException e) {
                        failures.add(e);
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            try {
                t.join(60_000);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            assertThat(t.isAlive()).as("writer finished").isFalse();
        }
        acknowledged.forEach((k, v) -> {
            model.put(k, v);
            deletable.addLast(k);
        });
        return failures;
    }

    private void run(SqliteStorageBackend backend, Op op) {
        switch (op) {
            case SET: {
                String key = "set:" + serial++;
                byte[] value = value(key);
                long version = backend.set(NS, key, value, serial % 2 == 0 ? NONE : 3_600_000);
                acknowledged(key, value, version);
                break;
            }
            case SET_ALL: {
                List<Write> puts = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    String key = "all:" + serial++;
                    puts.add(new Write.Put(key, value(key), NONE));
                }
                CommitResult versions = backend.commit(NS, new Commit(List.of(), puts));
                for (int i = 0; i < puts.size(); i++) {
                    acknowledged(puts.get(i).key(), ((Write.Put) puts.get(i)).value(), versions.outcome(i));
                }
                break;
            }
            case TRANSACTION: {
                String key = "tx:" + serial++;
                String gone = deletable.peekFirst();
                CommitResult result = backend.commit(
                        NS,
                        new Commit(
                                List.of(new Precondition("tx:never", 0)),
                                List.of(new Write.Put(key, value(key), NONE), new Write.Remove(gone))));
                assertThat(result.applied(1)).as("%s was live", gone).isTrue();
                deletable.removeFirst();
                model.remove(gone);
                acknowledged(key, value(key), result.outcome(0));
                break;
            }
            case INCREMENT: {
                long now = backend.increment(NS, "counter", 1);
                assertThat(now).isEqualTo(counter + 1);
                counter = now;
                model.put("counter", Counters.format(now));
                break;
            }
            case DELETE: {
                String gone = deletable.peekFirst();
                assertThat(backend.delete(NS, gone)).as("delete " + gone).isTrue();
                deletable.removeFirst();
                model.remove(gone);
                break;
            }
            default:
                throw new AssertionError(op);
        }
    }

    /** @return each distinct failure (type and message up to the path's end) with how often it happened */
    private static Map<String, Integer> summary(List<RuntimeException> failures) {
        Map<String, Integer> out = new TreeMap<>();
        for (RuntimeException e : failures) {
            out.merge(e.getClass().getSimpleName() + ": " + e.getMessage(), 1, Integer::sum);
        }
        return out;
    }

    private void acknowledged(String key, byte[] value, long version) {
        model.put(key, value);
        deletable.addLast(key);
        if (recovered) {
            recoveredSets.put(key, version);
        }
    }

    private static byte[] value(String key) {
        byte[] v = new byte[VALUE_BYTES];
        byte[] k = key.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < v.length; i++) {
            v[i] = k[i % k.length];
        }
        return v;
    }

    private void assertHoldsTheModel(SqliteStorageBackend backend, String when) {
        for (Map.Entry<String, byte[]> e : model.entrySet()) {
            BackendEntry entry = backend.get(NS, e.getKey());
            assertThat(entry).as("%s: acknowledged key %s", when, e.getKey()).isNotNull();
            assertThat(entry.value()).as("%s: value of %s", when, e.getKey()).isEqualTo(e.getValue());
        }
        List<String> keys = new ArrayList<>(backend.list(NS, GlobPattern.compile("*"), null, 100_000));
        keys.remove("ttl:probe");
        assertThat(keys)
                .as("%s: exactly the acknowledged keys", when)
                .containsExactlyInAnyOrderElementsOf(model.keySet());
        assertThat(backend.read(NS, model.keySet())).as(when).hasSize(model.size());
    }
}
