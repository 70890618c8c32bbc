package dev.plinth.provider.sqlite.internal;

import static dev.plinth.provider.sqlite.internal.TestBackends.present;
import static dev.plinth.provider.sqlite.internal.TestBackends.writes;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.BackendUnavailableException;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.Precondition;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.Write;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Several backends (as several processes would) on one file; persistence across reopen; busy files. */
class SqliteSharingTest {
    private static final Namespace NS = Namespace.of("shared");
    private static final long NONE = StorageBackend.NO_EXPIRY;

    @TempDir
    Path dir;

    @Test
    void dataSurvivesCloseAndReopen() {
        Path file = dir.resolve("persist.db");
        long v;
        try (SqliteStorageBackend a = TestBackends.open(file)) {
            v = a.set(NS, "k", "value".getBytes(UTF_8), NONE);
            a.set(NS.child("b"), "k2", new byte[] {7}, 3_600_000);
            a.set(NS, "gone", new byte[] {1}, NONE);
            a.delete(NS, "gone");
        }
        try (SqliteStorageBackend b = TestBackends.open(file)) {
            assertThat(present(b.get(NS, "k")).version()).isEqualTo(v);
            assertThat(new String(present(b.get(NS, "k")).value(), UTF_8)).isEqualTo("value");
            assertThat(present(b.get(NS.child("b"), "k2")).expiresAtMillis()).isPositive();
            assertThat(b.exists(NS, "gone")).isFalse();
            assertThat(b.set(NS, "gone", new byte[] {2}, NONE)).isGreaterThan(v);
        }
    }

    @Test
    void twoBackendsOnOneFileShareDataAndOneVersionSequence() throws Exception {
        Path file = dir.resolve("two.db");
        try (SqliteStorageBackend a = TestBackends.open(file);
                SqliteStorageBackend b = TestBackends.open(file)) {
            long va = a.set(NS, "k", "from a".getBytes(UTF_8), NONE);
            assertThat(new String(present(b.get(NS, "k")).value(), UTF_8)).isEqualTo("from a");
            long vb = b.set(NS, "k", "from b".getBytes(UTF_8), NONE);
            assertThat(vb).isGreaterThan(va);
            assertThat(present(a.get(NS, "k")).version()).isEqualTo(vb);
            assertThat(a.compareAndSet(NS, "k", va, new byte[0], NONE)).isZero();

            // Concurrent writers through both backends: every version distinct, counter exact.
            ConcurrentLinkedQueue<Long> versions = new ConcurrentLinkedQueue<>();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                SqliteStorageBackend backend = t % 2 == 0 ? a : b;
                int id = t;
                threads.add(new Thread(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < 100; i++) {
                        versions.add(backend.set(NS, "t" + id + ":" + i, new byte[] {1}, NONE));
                        backend.increment(NS, "counter", 1);
                    }
                }));
            }
            threads.forEach(Thread::start);
            start.countDown();
            for (Thread t : threads) {
                t.join();
            }
            Set<Long> distinct = new HashSet<>(versions);
            assertThat(distinct).hasSize(400);
            assertThat(new String(present(a.get(NS, "counter")).value(), UTF_8)).isEqualTo("400");
            assertThat(b.count(NS, GlobPattern.compile("t*"))).isEqualTo(400);
        }
    }

    @Test
    void locksExcludeEachOtherAcrossBackends() throws InterruptedException {
        Path file = dir.resolve("locks.db");
        try (SqliteStorageBackend a = TestBackends.open(file);
                SqliteStorageBackend b = TestBackends.open(file)) {
            assertThat(a.tryLock(NS, "job", "token-a", 60_000)).isTrue();
            assertThat(b.tryLock(NS, "job", "token-b", 60_000)).isFalse();
            assertThat(b.unlock(NS, "job", "token-b")).isFalse();
            assertThat(b.renewLock(NS, "job", "token-b", 60_000)).isFalse();
            assertThat(a.lockEntries()).isEqualTo(1);
            assertThat(b.lockEntries()).isZero();
            assertThat(a.unlock(NS, "job", "token-a")).isTrue();
            assertThat(b.tryLock(NS, "job", "token-b", 1)).isTrue();
            Thread.sleep(5);
            // b's lease lapsed (a crashed holder stops renewing): a may take the lock.
            assertThat(a.tryLock(NS, "job", "token-a2", 60_000)).isTrue();
            assertThat(b.renewLock(NS, "job", "token-b", 60_000)).isFalse();
            assertThat(b.lockEntries()).isZero();
            assertThat(a.unlock(NS, "job", "token-a2")).isTrue();
            assertThat(a.lockEntries()).isZero();
        }
    }

    @Test
    void aWriteLockHeldElsewhereBeyondBusyTimeoutIsBackendUnavailable() throws Exception {
        Path file = dir.resolve("busy.db");
        try (SqliteStorageBackend backend = TestBackends.open(file, "busyTimeout", "100ms")) {
            backend.set(NS, "before", new byte[] {1}, NONE);
            try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
                    Statement st = other.createStatement()) {
                st.execute("BEGIN IMMEDIATE");
                assertThatThrownBy(() -> backend.set(NS, "k", new byte[] {1}, NONE))
                        .isInstanceOfSatisfying(
                                BackendUnavailableException.class,
                                e -> assertThat(e.isRetryable()).isTrue())
                        .hasMessageContaining(file.toString())
                        .hasMessageContaining("busyTimeout");
                // WAL: readers do not wait for the writer.
                assertThat(backend.exists(NS, "before")).isTrue();
                st.execute("ROLLBACK");
            }
            assertThat(backend.set(NS, "k", new byte[] {1}, NONE)).isPositive();
            assertThat(backend.exists(NS, "k")).isTrue();
        }
    }
    /**
     * A lock held elsewhere past busyTimeout fails every kind of write with a retryable error, and the same
     * backend takes each again once the holder lets go. With WAL the wait is at BEGIN IMMEDIATE; with a
     * rollback journal a reader's shared lock makes COMMIT itself wait, after the statements ran.
     */
    @ParameterizedTest(name = "wal={0}")
    @ValueSource(booleans = {true, false})
    void everyKindOfWriteWorksAgainOnceALockHeldPastBusyTimeoutIsReleased(boolean wal) throws Exception {
        Path file = dir.resolve("busy-" + wal + ".db");
        try (SqliteStorageBackend backend =
                TestBackends.open(file, "busyTimeout", "100ms", "wal", Boolean.toString(wal))) {
            backend.set(NS, "victim", new byte[] {1}, NONE);
            backend.set(NS, "victim2", new byte[] {1}, NONE);
            Map<String, Runnable> writes = new LinkedHashMap<>();
            writes.put("set", () -> backend.set(NS, "k", new byte[] {1}, NONE));
            writes.put(
                    "setAll",
                    () -> backend.commit(
                            NS,
                            writes(
                                    new Write.Put("a1", new byte[] {1}, NONE),
                                    new Write.Put("a2", new byte[] {2}, NONE))));
            writes.put(
                    "transaction",
                    () -> backend.commit(
                            NS,
                            new Commit(
                                    List.of(new Precondition("never", 0)),
                                    List.of(new Write.Put("t", new byte[] {1}, NONE), new Write.Remove("victim")))));
            writes.put("increment", () -> backend.increment(NS, "n", 1));
            writes.put("delete", () -> backend.delete(NS, "victim2"));
            for (int round = 0; round < 3; round++) {
                try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
                        Statement st = other.createStatement()) {
                    if (wal) {
                        st.execute("BEGIN IMMEDIATE");
                    } else {
                        // A read transaction: its shared lock lets our writer begin but not commit.
                        st.execute("BEGIN");
                        st.executeQuery("SELECT count(*) FROM plinth_kv").close();
                    }
                    for (Map.Entry<String, Runnable> w : writes.entrySet()) {
                        assertThatThrownBy(w.getValue()::run)
                                .as(w.getKey())
                                .isInstanceOf(BackendUnavailableException.class)
                                .hasMessageContaining(file.toString())
                                .hasMessageContaining("busyTimeout");
                    }
                    st.execute("ROLLBACK");
                }
                assertThat(backend.exists(NS, "k"))
                        .as("a failed write left nothing")
                        .isEqualTo(round > 0);
                for (Map.Entry<String, Runnable> w : writes.entrySet()) {
                    w.getValue().run();
                }
                assertThat(present(backend.get(NS, "n")).value())
                        .asString(UTF_8)
                        .isEqualTo(Long.toString(round + 1));
                assertThat(backend.exists(NS, "victim")).isFalse();
                backend.set(NS, "victim", new byte[] {1}, NONE);
                backend.set(NS, "victim2", new byte[] {1}, NONE);
            }
        }
    }
}
