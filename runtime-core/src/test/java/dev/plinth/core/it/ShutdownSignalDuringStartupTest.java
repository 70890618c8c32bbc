package dev.plinth.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to a JVM whose runtime is starting: the shutdown hook aborts the startup, so the process exits
 * within about {@code shutdownTimeout} instead of after every remaining {@code init} and {@code start}
 * (3 plugins x 2 calls x 60 s here). The bound asserted is "well under one plugin call", not a speed.
 */
class ShutdownSignalDuringStartupTest {

    @Test
    void sigtermDuringInitExitsWithoutWaitingForTheStartup() throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        cp,
                        SlowStartHost.class.getName())
                .redirectErrorStream(true)
                .start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader r =
                            new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line = r.readLine(); line != null; line = r.readLine()) {
                            lines.add(line);
                        }
                    } catch (IOException ignored) {
                        // the child is gone
                    }
                },
                "child-output");
        reader.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!lines.contains("init a") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(lines).as("the child reached plugin a's init").contains("init a");
            long signalled = System.nanoTime();
            // Not Process.destroy(): it closes the pipes, and the child's last lines would be lost.
            assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(child.pid()))
                            .start()
                            .waitFor())
                    .isZero();
            boolean exited = child.waitFor(30, TimeUnit.SECONDS);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
            reader.join(5_000);
            System.out.println("SIGTERM during startup: the JVM exited " + millis + " ms after the signal"
                    + (exited ? " with status " + child.exitValue() : "") + "; its output: " + lines);
            assertThat(exited)
                    .as("exited within 30 s of SIGTERM; output: " + lines)
                    .isTrue();
            assertThat(lines).contains("interrupted a", "shutdown a").doesNotContain("init b", "start a", "started");
        } finally {
            child.destroyForcibly();
        }
    }
}
