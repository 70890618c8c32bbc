package dev.plinth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.cli.Stores.Kind;
import dev.plinth.core.admin.StorageAdmin;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The progress bar in a real terminal (a tmux pane), as a person runs it: {@code plinth export > file} in a
 * child JVM draws the bar on the terminal and the file holds the export alone; the same command with standard
 * error sent to a file draws nothing there.
 */
class TerminalProgressTest {
    private static final int KEYS = 3_000;

    @TempDir
    Path dir;

    @Test
    void exportToAFileDrawsTheBarOnTheTerminalOnly() throws Exception {
        Map<String, String> options = Stores.options(Kind.SQLITE, dir);
        try (StorageAdmin admin = Stores.open(Kind.SQLITE, options)) {
            Map<String, byte[]> batch = new LinkedHashMap<>();
            for (int i = 0; i < KEYS; i++) {
                batch.put("k" + i, ("value " + i).getBytes(StandardCharsets.UTF_8));
            }
            admin.store("notes").setAll(batch);
        }
        Path config = dir.resolve("plinth.properties");
        Files.writeString(config, Stores.configFile(Kind.SQLITE, options));
        Path script = dir.resolve("run.sh");
        String plinth = "'" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -cp '"
                + System.getProperty("java.class.path") + "' " + PlinthCli.class.getName() + " --config '" + config
                + "'";
        Files.writeString(
                script,
                "cd '" + dir + "'\n"
                        + plinth + " export > export.jsonl\n"
                        + "echo \"first=$?\"\n"
                        + plinth + " export > export2.jsonl 2> err.log\n"
                        + "echo \"second=$?\"\n"
                        + "sleep 120\n");
        String socket = "plinth-cli-test-" + UUID.randomUUID();
        try {
            assertThat(run(List.of(
                                    "tmux",
                                    "-L",
                                    socket,
                                    "new-session",
                                    "-d",
                                    "-s",
                                    "w",
                                    "-x",
                                    "200",
                                    "-y",
                                    "40",
                                    "sh " + script))
                            .exitCode)
                    .isZero();
            String pane = awaitPane(socket, "second=");
            assertThat(pane).contains("first=0", "second=0");
            assertThat(pane).contains("plinth: export [", "100%", String.format("%,d/%,d keys", KEYS, KEYS));
            assertThat(pane).contains("plinth: exported " + KEYS + " keys of 1 scopes from 'sqlite'");

            String export = Files.readString(dir.resolve("export.jsonl"));
            assertThat(export).doesNotContain("\r", "plinth: export");
            assertThat(export.lines()).hasSize(KEYS + 2);
            // Standard error to a file gets no bar (log lines of the open may precede the summary).
            assertThat(Files.readString(dir.resolve("err.log")))
                    .doesNotContain("\r", "plinth: export [", "keys/s")
                    .endsWith("plinth: exported " + KEYS + " keys of 1 scopes from 'sqlite'\n");
        } finally {
            run(List.of("tmux", "-L", socket, "kill-server"));
        }
    }

    private String awaitPane(String socket, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        String pane = "";
        while (System.nanoTime() < deadline) {
            pane = run(List.of("tmux", "-L", socket, "capture-pane", "-p", "-t", "w")).output;
            if (pane.contains(text)) {
                return pane;
            }
            Thread.sleep(100);
        }
        assertThat(pane).as("the terminal shows it within two minutes").contains(text);
        return pane;
    }

    private record Result(int exitCode, String output) {}

    private Result run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }
}
