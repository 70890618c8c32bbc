package dev.plinth.provider.sqlite.internal;

import static dev.plinth.provider.sqlite.internal.TestBackends.present;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.spi.storage.Namespace;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a writing process loses no acknowledged write and leaves a consistent database
 * (durability=normal: WAL with synchronous=NORMAL survives a process crash).
 */
class SqliteCrashTest {
    /** More rounds for a published figure: {@code -Dplinth.tests.crashRounds=12}. */
    private static final int ROUNDS = Integer.getInteger("plinth.tests.crashRounds", 3);

    private static final int ACKS_BEFORE_KILL = 300;

    @TempDir
    Path dir;

    @Test
    void killedWritersLoseNoAcknowledgedWrite() throws Exception {
        Path file = dir.resolve("crash.db");
        List<String> acknowledged = new ArrayList<>();
        long maxCounter = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Child child = Child.start(file, "r" + round, round == ROUNDS - 1 ? "full" : "normal");
            child.awaitAcks(ACKS_BEFORE_KILL);
            child.process.destroyForcibly();
            assertThat(child.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            child.reader.join(10_000);
            for (String line : child.lines()) {
                if (line.startsWith("counter=")) {
                    maxCounter = Math.max(maxCounter, Long.parseLong(line.substring(8)));
                } else if (!line.equals("ready")) {
                    acknowledged.add(line);
                }
            }
        }
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(ROUNDS * ACKS_BEFORE_KILL / 2);

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("ok");
        }
        try (SqliteStorageBackend backend = TestBackends.open(file)) {
            Namespace ns = Namespace.of("crash");
            List<String> missing = new ArrayList<>();
            for (String key : acknowledged) {
                if (!backend.exists(ns, key)) {
                    missing.add(key);
                }
            }
            System.out.printf(
                    "SqliteCrashTest: %d kill -9 rounds, %d acknowledged writes, %d lost%n",
                    ROUNDS, acknowledged.size(), missing.size());
            assertThat(missing).as("acknowledged keys lost").isEmpty();
            long counter = Long.parseLong(
                    new String(present(backend.get(ns, "counter")).value(), StandardCharsets.US_ASCII));
            assertThat(counter).isGreaterThanOrEqualTo(maxCounter);
        }
    }

    /** A CrashWriterMain process and the complete lines it printed. */
    private static final class Child {
        final Process process;
        final Thread reader;
        private final List<String> lines = new ArrayList<>();

        private Child(Process process) {
            this.process = process;
            this.reader = new Thread(this::read, "crash-child-reader");
            reader.setDaemon(true);
            reader.start();
        }

        static Child start(Path file, String prefix, String durability) throws Exception {
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            ProcessBuilder pb = new ProcessBuilder(
                    java, "-cp", cp, CrashWriterMain.class.getName(), file.toString(), prefix, durability);
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
            return new Child(pb.start());
        }

        private void read() {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    // A line cut by the kill has no ';' and was not fully acknowledged: ignore it.
                    if (line.endsWith(";")) {
                        synchronized (this) {
                            lines.add(line.substring(0, line.length() - 1));
                            notifyAll();
                        }
                    }
                }
            } catch (java.io.IOException ignored) {
                // The process was killed.
            }
        }

        synchronized void awaitAcks(int n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (lines.size() < n && process.isAlive() && System.nanoTime() < deadline) {
                wait(100);
            }
            assertThat(lines.size())
                    .as("child acknowledged writes before the kill (alive=%s)", process.isAlive())
                    .isGreaterThanOrEqualTo(n);
        }

        synchronized List<String> lines() {
            return new ArrayList<>(lines);
        }
    }
}
