package dev.plinth.provider.sqlite.internal;

import static dev.plinth.provider.sqlite.internal.TestBackends.present;
import static dev.plinth.provider.sqlite.internal.TestBackends.writes;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.api.storage.StorageOpenException;
import dev.plinth.provider.sqlite.SqliteStorageProvider;
import dev.plinth.spi.storage.Capability;
import dev.plinth.spi.storage.CommitResult;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.StorageBackend;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code exclusive=true}: one user per file, enforced across processes; versions stay a growing sequence. */
class SqliteExclusiveTest {
    private static final Namespace NS = Namespace.of("solo");
    private static final long NONE = StorageBackend.NO_EXPIRY;

    @TempDir
    Path dir;

    @Test
    void exclusiveModeDeclaresOnlyDurability() {
        SqliteStorageProvider p = new SqliteStorageProvider();
        assertThat(p.capabilities(TestBackends.config(Map.of("exclusive", "true"))))
                .containsExactly(Capability.DURABLE);
        assertThat(p.capabilities(TestBackends.config(Map.of())))
                .isEqualTo(p.capabilities())
                .contains(
                        Capability.SHARED_ACROSS_PROCESSES,
                        Capability.CROSS_PROCESS_EVENTS,
                        Capability.CROSS_PROCESS_LOCKS);
    }

    @Test
    void aSecondBackendOfThisJvmIsRefusedInEitherOrderAndTheDataIsUntouched() {
        Path file = dir.resolve("one.db");
        try (SqliteStorageBackend solo = TestBackends.open(file, "exclusive", "true")) {
            solo.set(NS, "k", "v".getBytes(UTF_8), NONE);
            for (String mode : new String[] {"true", "false"}) {
                assertThatThrownBy(() -> TestBackends.open(file, "exclusive", mode))
                        .isInstanceOfSatisfying(
                                StorageOpenException.class,
                                e -> assertThat(e.isRetryable()).isTrue())
                        .hasMessageContaining(file.toAbsolutePath().toString())
                        .hasMessageContaining("exclusive=true")
                        .hasMessageContaining("in this process");
            }
            assertThat(solo.get(NS, "k"))
                    .isNotNull()
                    .extracting(e -> new String(e.value(), UTF_8))
                    .isEqualTo("v");
        }
        try (SqliteStorageBackend shared = TestBackends.open(file);
                SqliteStorageBackend alsoShared = TestBackends.open(file)) {
            assertThat(alsoShared.get(NS, "k")).isNotNull();
            assertThatThrownBy(() -> TestBackends.open(file, "exclusive", "true"))
                    .isInstanceOfSatisfying(
                            StorageOpenException.class,
                            e -> assertThat(e.isRetryable()).isTrue())
                    .hasMessageContaining("needs it alone");
            shared.close();
            // One shared user is left: still refused.
            assertThatThrownBy(() -> TestBackends.open(file, "exclusive", "true"))
                    .isInstanceOfSatisfying(
                            StorageOpenException.class,
                            e -> assertThat(e.isRetryable()).isTrue());
        }
        try (SqliteStorageBackend solo = TestBackends.open(file, "exclusive", "true")) {
            assertThat(solo.get(NS, "k")).isNotNull();
        }
    }

    @Test
    void anotherProcessHoldingTheFileExclusivelyKeepsThisOneOutUntilItExits() throws Exception {
        Path file = dir.resolve("child.db");
        Process child = startOpenHolder(file);
        try {
            assertThatThrownBy(() -> TestBackends.open(file))
                    .isInstanceOfSatisfying(
                            StorageOpenException.class,
                            e -> assertThat(e.isRetryable()).isTrue())
                    .hasMessageContaining(file.toAbsolutePath().toString())
                    .hasMessageContaining("another process has it open with plinth.storage.sqlite.exclusive=true");
            child.getOutputStream().write('\n');
            child.getOutputStream().flush();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).isZero();
        } finally {
            child.destroyForcibly();
        }
        try (SqliteStorageBackend shared = TestBackends.open(file)) {
            shared.set(NS, "after", new byte[] {1}, NONE);
        }
    }

    @Test
    void aKilledExclusiveHolderLeavesTheFileFree() throws Exception {
        Path file = dir.resolve("killed.db");
        Process child = startOpenHolder(file);
        try {
            assertThat(child.isAlive()).isTrue();
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        try (SqliteStorageBackend solo = TestBackends.open(file, "exclusive", "true")) {
            solo.set(NS, "k", new byte[] {1}, NONE);
        }
    }

    @Test
    void anExclusiveOpenIsRefusedWhileAnotherProcessSharesTheFile() throws Exception {
        Path file = dir.resolve("shared-child.db");
        try (SqliteStorageBackend shared = TestBackends.open(file)) {
            Process child = startHolder(file);
            try {
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(child.exitValue()).isNotZero();
                String err = new String(child.getErrorStream().readAllBytes(), UTF_8);
                assertThat(err)
                        .contains("another process has it open, and plinth.storage.sqlite.exclusive=true "
                                + "needs it alone");
            } finally {
                child.destroyForcibly();
            }
        }
    }

    @Test
    void versionsKeepGrowingAcrossRestartsAndModeSwitches() {
        Path file = dir.resolve("versions.db");
        long last;
        try (SqliteStorageBackend solo = TestBackends.open(file, "exclusive", "true")) {
            long a = solo.set(NS, "k", new byte[] {1}, NONE);
            solo.delete(NS, "k");
            last = solo.set(NS, "k", new byte[] {2}, NONE);
            assertThat(last).isGreaterThan(a);
        }
        try (SqliteStorageBackend shared = TestBackends.open(file)) {
            long v = shared.set(NS, "k", new byte[] {3}, NONE);
            assertThat(v).isGreaterThan(last);
            last = shared.set(NS, "other", new byte[] {3}, NONE);
        }
        long lastShared = last;
        try (SqliteStorageBackend solo = TestBackends.open(file, "exclusive", "true")) {
            assertThat(solo.set(NS, "k", new byte[] {4}, NONE)).isGreaterThan(lastShared);
            CommitResult batch = solo.commit(
                    NS,
                    writes(
                            new dev.plinth.spi.storage.Write.Put("a", new byte[] {1}, NONE),
                            new dev.plinth.spi.storage.Write.Put("b", new byte[] {1}, NONE)));
            assertThat(List.of(batch.outcome(0), batch.outcome(1)))
                    .allSatisfy(v -> assertThat(v).isGreaterThan(lastShared));
        }
    }

    @Test
    void writesLogNoChangeRowsOnAnExclusiveFile() throws Exception {
        Path file = dir.resolve("nolog.db");
        try (SqliteStorageBackend solo = TestBackends.open(file, "exclusive", "true")) {
            for (int i = 0; i < 100; i++) {
                solo.set(NS, "k" + i, new byte[] {1}, NONE);
            }
            solo.delete(NS, "k0");
            solo.clear(NS.child("other"));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM plinth_changes WHERE type <> 'MARK'")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }

    @Test
    void aSetOverAnExpiredUnsweptKeyReportsItsReclaimBeforeTheSet() throws Exception {
        Path file = dir.resolve("reclaim.db");
        TestBackends.Recorder events = new TestBackends.Recorder();
        try (SqliteStorageBackend solo = TestBackends.open(file, events, "exclusive", "true", "sweepInterval", "1h")) {
            long first = solo.set(NS, "k", "old".getBytes(UTF_8), 1);
            Thread.sleep(20);
            long second = solo.set(NS, "k", "new".getBytes(UTF_8), NONE);
            assertThat(events.events())
                    .containsExactly(
                            new TestBackends.Event(NS.path(), ChangeType.SET, "k", first),
                            new TestBackends.Event(NS.path(), ChangeType.EXPIRE, "k", 0),
                            new TestBackends.Event(NS.path(), ChangeType.SET, "k", second));
            assertThat(solo.get(NS, "k")).isNotNull().satisfies(e -> {
                assertThat(new String(e.value(), UTF_8)).isEqualTo("new");
                assertThat(e.version()).isEqualTo(second);
                assertThat(e.expiresAtMillis()).isEqualTo(NONE);
            });
            // A live key is replaced in place: no reclaim reported.
            events.clear();
            long third = solo.set(NS, "k", "newer".getBytes(UTF_8), NONE);
            assertThat(events.events()).containsExactly(new TestBackends.Event(NS.path(), ChangeType.SET, "k", third));
        }
    }

    @Test
    void aBatchOverExpiredUnsweptKeysReportsEachReclaimJustBeforeItsSet() throws Exception {
        Path file = dir.resolve("batch-reclaim.db");
        TestBackends.Recorder events = new TestBackends.Recorder();
        try (SqliteStorageBackend solo = TestBackends.open(file, events, "exclusive", "true", "sweepInterval", "1h")) {
            solo.set(NS, "a", new byte[] {1}, 1);
            solo.set(NS, "c", new byte[] {1}, 1);
            solo.set(NS, "d", new byte[] {1}, NONE);
            Thread.sleep(20);
            events.clear();
            CommitResult result = solo.commit(
                    NS,
                    writes(
                            new dev.plinth.spi.storage.Write.Put("a", new byte[] {2}, NONE),
                            new dev.plinth.spi.storage.Write.Put("b", new byte[] {2}, NONE),
                            new dev.plinth.spi.storage.Write.Put("c", new byte[] {2}, 60_000),
                            new dev.plinth.spi.storage.Write.Put("d", new byte[] {2}, NONE)));
            Map<String, Long> v = Map.of(
                    "a", result.outcome(0), "b", result.outcome(1), "c", result.outcome(2), "d", result.outcome(3));
            assertThat(events.events())
                    .containsExactly(
                            new TestBackends.Event(NS.path(), ChangeType.EXPIRE, "a", 0),
                            new TestBackends.Event(NS.path(), ChangeType.SET, "a", v.get("a")),
                            new TestBackends.Event(NS.path(), ChangeType.SET, "b", v.get("b")),
                            new TestBackends.Event(NS.path(), ChangeType.EXPIRE, "c", 0),
                            new TestBackends.Event(NS.path(), ChangeType.SET, "c", v.get("c")),
                            new TestBackends.Event(NS.path(), ChangeType.SET, "d", v.get("d")));
            for (String k : new String[] {"a", "b", "c", "d"}) {
                assertThat(solo.get(NS, k)).isNotNull().satisfies(e -> {
                    assertThat(e.value()).containsExactly(2);
                    assertThat(e.version()).isEqualTo(v.get(k));
                });
            }
            assertThat(present(solo.get(NS, "c")).expiresAtMillis()).isGreaterThan(System.currentTimeMillis());
        }
    }

    @Test
    void anExpiredRowLeftByAnEarlierRunIsStillReclaimedBeforeTheSet() throws Exception {
        Path file = dir.resolve("earlier.db");
        try (SqliteStorageBackend shared = TestBackends.open(file, "sweepInterval", "1h")) {
            shared.set(NS, "k", "old".getBytes(UTF_8), 1);
        }
        Thread.sleep(20);
        TestBackends.Recorder events = new TestBackends.Recorder();
        try (SqliteStorageBackend solo = TestBackends.open(file, events, "exclusive", "true", "sweepInterval", "1h")) {
            long v = solo.set(NS, "k", "new".getBytes(UTF_8), NONE);
            assertThat(events.events())
                    .containsExactly(
                            new TestBackends.Event(NS.path(), ChangeType.EXPIRE, "k", 0),
                            new TestBackends.Event(NS.path(), ChangeType.SET, "k", v));
        }
    }

    @Test
    void anExpiryAddedLaterMakesTheNextSetCheckForAnExpiredRow() throws Exception {
        Path file = dir.resolve("later.db");
        TestBackends.Recorder events = new TestBackends.Recorder();
        try (SqliteStorageBackend solo = TestBackends.open(file, events, "exclusive", "true", "sweepInterval", "1h")) {
            solo.set(NS, "k", "a".getBytes(UTF_8), NONE);
            solo.set(NS, "k", "b".getBytes(UTF_8), NONE);
            assertThat(solo.expire(NS, "k", 1)).isTrue();
            Thread.sleep(20);
            events.clear();
            long v = solo.commit(
                            NS,
                            writes(
                                    new dev.plinth.spi.storage.Write.Put("k", "c".getBytes(UTF_8), NONE),
                                    new dev.plinth.spi.storage.Write.Put("other", "c".getBytes(UTF_8), NONE)))
                    .outcome(0);
            assertThat(events.events())
                    .startsWith(
                            new TestBackends.Event(NS.path(), ChangeType.EXPIRE, "k", 0),
                            new TestBackends.Event(NS.path(), ChangeType.SET, "k", v));
            assertThat(new String(present(solo.get(NS, "k")).value(), UTF_8)).isEqualTo("c");
        }
    }

    @Test
    void aListenerFailingAfterTheCommitDoesNotGiveTheCommittedVersionOutAgain() {
        Path file = dir.resolve("listener.db");
        java.util.concurrent.atomic.AtomicBoolean failNext = new java.util.concurrent.atomic.AtomicBoolean(true);
        dev.plinth.spi.storage.ChangeListener failing = (ns, type, key, version) -> {
            if (failNext.getAndSet(false)) {
                throw new AssertionError("listener broke after the commit");
            }
        };
        try (SqliteStorageBackend solo = TestBackends.open(file, failing, "exclusive", "true")) {
            assertThatThrownBy(() -> solo.set(NS, "first", new byte[] {1}, NONE))
                    .isInstanceOf(AssertionError.class);
            long committed = present(solo.get(NS, "first")).version();
            long next = solo.set(NS, "second", new byte[] {2}, NONE);
            assertThat(next).isGreaterThan(committed);
        }
    }

    /** Starts a child holding the file exclusively and waits until it says it has it open. */
    private static Process startOpenHolder(Path file) throws Exception {
        Process child = startHolder(file);
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8));
        if (!"open;".equals(out.readLine())) {
            child.destroyForcibly();
            throw new AssertionError("the child did not open " + file);
        }
        return child;
    }

    private static Process startHolder(Path file) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return new ProcessBuilder(java, "-cp", cp, ExclusiveHolderMain.class.getName(), file.toString()).start();
    }
}
