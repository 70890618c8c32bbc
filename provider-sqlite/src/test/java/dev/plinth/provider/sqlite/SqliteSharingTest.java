package dev.plinth.provider.sqlite;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.BackendUnavailableException;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.StorageBackend;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
            assertThat(b.get(NS, "k").orElseThrow().version()).isEqualTo(v);
            assertThat(new String(b.get(NS, "k").orElseThrow().value(), UTF_8)).isEqualTo("value");
            assertThat(b.get(NS.child("b"), "k2").orElseThrow().expiresAtMillis()).isPositive();
            assertThat(b.exists(NS, "gone")).isFalse();
            assertThat(b.set(NS, "gone", new byte[] {2}, NONE)).isGreaterThan(v);
        }
    }

    @Test
    void twoBackendsOnOneFileShareDataAndOneVersionSequence() throws Exception {
        Path file = dir.resolve("two.db");
        try (SqliteStorageBackend a = TestBackends.open(file); SqliteStorageBackend b = TestBackends.open(file)) {
            long va = a.set(NS, "k", "from a".getBytes(UTF_8), NONE);
            assertThat(new String(b.get(NS, "k").orElseThrow().value(), UTF_8)).isEqualTo("from a");
            long vb = b.set(NS, "k", "from b".getBytes(UTF_8), NONE);
            assertThat(vb).isGreaterThan(va);
            assertThat(a.get(NS, "k").orElseThrow().version()).isEqualTo(vb);
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
            assertThat(new String(a.get(NS, "counter").orElseThrow().value(), UTF_8)).isEqualTo("400");
            assertThat(b.count(NS, GlobPattern.compile("t*"))).isEqualTo(400);
        }
    }

    @Test
    void locksExcludeEachOtherAcrossBackends() throws InterruptedException {
        Path file = dir.resolve("locks.db");
        try (SqliteStorageBackend a = TestBackends.open(file); SqliteStorageBackend b = TestBackends.open(file)) {
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
                        .isInstanceOfSatisfying(BackendUnavailableException.class,
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
}
