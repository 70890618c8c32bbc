package dev.plinth.provider.sqlite.internal;

import static dev.plinth.provider.sqlite.internal.TestBackends.present;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.provider.sqlite.internal.TestBackends.Event;
import dev.plinth.provider.sqlite.internal.TestBackends.Recorder;
import dev.plinth.spi.storage.Namespace;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Locks and change events between two real processes (a child JVM) on one database file. */
class SqliteMultiProcessTest {
    private static final Namespace NS = Namespace.of("multi");

    @TempDir
    Path dir;

    private static Process startChild(Path file, long leaseMillis) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder pb = new ProcessBuilder(
                java, "-cp", cp, LockHolderMain.class.getName(), file.toString(), Long.toString(leaseMillis));
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        return pb.start();
    }

    private static String next(BufferedReader in) throws Exception {
        String line = in.readLine();
        return line == null ? "<eof>" : line;
    }

    @Test
    void aLockHeldByAnotherProcessExcludesThisOneAndItsWritesArriveAsEvents() throws Exception {
        Path file = dir.resolve("multi.db");
        Recorder events = new Recorder();
        try (SqliteStorageBackend backend = TestBackends.open(file, events, "eventPollInterval", "10ms")) {
            Process child = startChild(file, 60_000);
            try (BufferedReader in =
                            new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                    Writer out = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8)) {
                assertThat(next(in)).isEqualTo("locked;");
                assertThat(backend.tryLock(NS, "job", "parent", 60_000)).isFalse();

                out.write("write\n");
                out.flush();
                assertThat(next(in)).isEqualTo("written;");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (events.events().isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                long version = present(backend.get(NS, "from-child")).version();
                assertThat(events.events()).containsExactly(new Event("multi", ChangeType.SET, "from-child", version));

                out.write("unlock\n");
                out.flush();
                assertThat(next(in)).isEqualTo("unlocked;");
                assertThat(backend.tryLock(NS, "job", "parent", 60_000)).isTrue();
                out.write("exit\n");
                out.flush();
            } finally {
                child.destroyForcibly();
                child.waitFor(60, TimeUnit.SECONDS);
            }
            assertThat(backend.unlock(NS, "job", "parent")).isTrue();
        }
    }

    @Test
    void aKilledHoldersLockFreesItselfWhenItsLeaseLapses() throws Exception {
        Path file = dir.resolve("killed.db");
        try (SqliteStorageBackend backend = TestBackends.open(file)) {
            Process child = startChild(file, 500);
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                assertThat(next(in)).isEqualTo("locked;");
                assertThat(backend.tryLock(NS, "job", "parent", 60_000)).isFalse();
            } finally {
                child.destroyForcibly();
                assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            boolean taken = false;
            while (!taken && System.nanoTime() < deadline) {
                taken = backend.tryLock(NS, "job", "parent", 60_000);
                Thread.sleep(20);
            }
            assertThat(taken).isTrue();
        }
    }
}
