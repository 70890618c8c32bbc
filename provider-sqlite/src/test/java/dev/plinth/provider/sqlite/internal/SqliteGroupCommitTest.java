package dev.plinth.provider.sqlite.internal;

import static dev.plinth.provider.sqlite.internal.TestBackends.present;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.api.storage.NotACounterException;
import dev.plinth.api.storage.QuotaExceededException;
import dev.plinth.api.storage.VersionConflictException;
import dev.plinth.provider.sqlite.internal.TestBackends.Event;
import dev.plinth.provider.sqlite.internal.TestBackends.Recorder;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.Precondition;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.Write;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Operations queued behind the writer commit as one group; a failing one is rolled back alone. */
class SqliteGroupCommitTest {
    private static final Namespace NS = Namespace.of("group");
    private static final long NONE = StorageBackend.NO_EXPIRY;

    @TempDir
    Path dir;

    @Test
    void operationsQueuedBehindTheWriterCommitAsOneTransaction() throws Exception {
        Recorder events = new Recorder();
        try (SqliteStorageBackend backend = TestBackends.open(dir.resolve("one.db"), events)) {
            Map<String, Object> outcomes = new ConcurrentHashMap<>();
            Map<String, Supplier<Object>> ops = new java.util.LinkedHashMap<>();
            for (int i = 0; i < 5; i++) {
                String key = "k" + i;
                ops.put(key, () -> backend.set(NS, key, new byte[] {1}, NONE));
            }
            long before = backend.writerForTests().commits();
            runQueuedBehindTheWriter(backend, ops, outcomes);

            assertThat(backend.writerForTests().commits() - before).isEqualTo(1);
            List<Long> versions = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                versions.add((Long) outcomes.get("k" + i));
                assertThat(present(backend.get(NS, "k" + i)).version()).isEqualTo(outcomes.get("k" + i));
            }
            assertThat(versions).doesNotHaveDuplicates().allMatch(v -> v > 0);
            assertThat(events.events()).hasSize(5).allMatch(e -> e.type() == ChangeType.SET);
        }
    }

    /** Starts one thread per operation while holding the writer lock, so that all of them queue up. */
    private static void runQueuedBehindTheWriter(
            SqliteStorageBackend backend, Map<String, Supplier<Object>> ops, Map<String, Object> outcomes)
            throws InterruptedException {
        var lock = backend.writerForTests().lockForTests();
        lock.lock();
        List<Thread> threads = new ArrayList<>();
        try {
            for (Map.Entry<String, Supplier<Object>> op : ops.entrySet()) {
                Thread t = new Thread(() -> {
                    try {
                        outcomes.put(op.getKey(), op.getValue().get());
                    } catch (RuntimeException e) {
                        outcomes.put(op.getKey(), e);
                    }
                });
                threads.add(t);
                int before = backend.writerForTests().queued();
                t.start();
                while (backend.writerForTests().queued() == before) {
                    Thread.onSpinWait();
                }
            }
        } finally {
            lock.unlock();
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    @Test
    void aFailingOperationInAGroupIsRolledBackAloneAndReportsNothing() throws Exception {
        Recorder events = new Recorder();
        try (SqliteStorageBackend backend = TestBackends.open(dir.resolve("g.db"), events, "maxKeys", "3")) {
            long vText = backend.set(NS, "text", "abc".getBytes(), NONE);
            long vKept = backend.set(NS, "kept", new byte[] {1}, NONE);
            events.clear();

            Map<String, Object> outcomes = new ConcurrentHashMap<>();
            Map<String, Supplier<Object>> ops = new java.util.LinkedHashMap<>();
            ops.put("newKey", () -> backend.set(NS, "new", new byte[] {2}, NONE));
            ops.put("overQuota", () -> backend.set(NS, "overflow", new byte[] {3}, NONE));
            ops.put("notCounter", () -> backend.increment(NS, "text", 1));
            ops.put(
                    "conflict",
                    () -> backend.commit(
                            NS,
                            new Commit(
                                    List.of(new Precondition("kept", vKept + 1000)),
                                    List.of(new Write.Put("kept", new byte[] {9}, NONE)))));
            ops.put("casMiss", () -> backend.compareAndSet(NS, "kept", vKept + 1000, new byte[] {8}, NONE));
            ops.put("delete", () -> backend.delete(NS, "kept"));

            runQueuedBehindTheWriter(backend, ops, outcomes);

            assertThat(outcomes.get("newKey")).isInstanceOf(Long.class);
            assertThat(outcomes.get("overQuota")).isInstanceOf(QuotaExceededException.class);
            assertThat(outcomes.get("notCounter")).isInstanceOf(NotACounterException.class);
            assertThat(outcomes.get("conflict")).isInstanceOf(VersionConflictException.class);
            assertThat(outcomes.get("casMiss")).isEqualTo(0L);
            assertThat(outcomes.get("delete")).isEqualTo(true);

            assertThat(backend.get(NS, "new")).isNotNull();
            assertThat(backend.exists(NS, "overflow")).isFalse();
            assertThat(present(backend.get(NS, "text")).version()).isEqualTo(vText);
            assertThat(backend.exists(NS, "kept")).isFalse();
            assertThat(events.events())
                    .containsExactly(
                            new Event("group", ChangeType.SET, "new", (Long) outcomes.get("newKey")),
                            new Event("group", ChangeType.DELETE, "kept", 0));
            assertThat(backend.set(NS, "after", new byte[0], NONE)).isGreaterThan((Long) outcomes.get("newKey"));
        }
    }
}
