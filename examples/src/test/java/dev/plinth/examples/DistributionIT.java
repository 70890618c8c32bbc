package dev.plinth.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the built distribution (target/plinth) the way the README tells a user to: the launcher's demo on
 * the embedded default, twice, and the same jars on the module path. Runs after packaging (failsafe).
 */
class DistributionIT {
    private static final Path DIST = Path.of("target", "plinth").toAbsolutePath();

    @Test
    void demoRunsOnTheEmbeddedDefaultAndASecondRunSeesTheFirstRunsData(@TempDir Path workDir) throws Exception {
        Result first = run(workDir, List.of(DIST.resolve("bin/plinth").toString(), "--demo"));
        assertThat(first.exitCode).as(first.output).isZero();
        assertThat(first.output)
                .contains("Plinth demo on storage provider 'sqlite'")
                .contains("visits/count = 1, notes/count = 1")
                // every example plugin comes from its archive in plugins/, none from lib/
                .contains("plugin notes 1.0.0 is STARTED (" + DIST.resolve("plugins/notes.jar") + ")")
                .contains("plugin auth 1.0.0 is STARTED (" + DIST.resolve("plugins/auth.jar") + ")");
        assertThat(workDir.resolve("data/plinth.db")).exists();

        Result second = run(workDir, List.of(DIST.resolve("bin/plinth").toString(), "--demo"));
        assertThat(second.exitCode).as(second.output).isZero();
        assertThat(second.output).contains("visits/count = 2, notes/count = 2").contains("[note:n1, note:n2]");
    }

    @Test
    void theLauncherRunsOperatorCommandsOnTheDemosData(@TempDir Path workDir) throws Exception {
        String plinth = DIST.resolve("bin/plinth").toString();
        assertThat(run(workDir, List.of(plinth, "--demo")).exitCode).isZero();

        Result scopes = run(workDir, List.of(plinth, "scopes"));
        assertThat(scopes.exitCode).as(scopes.output).isZero();
        assertThat(scopes.output).contains("notes\t2", "visits\t1");
        Result get = run(workDir, List.of(plinth, "get", "visits", "count"));
        assertThat(get.output).contains("1\n");
        Result export = run(workDir, List.of(plinth, "export", "--output", "backup.jsonl"));
        assertThat(export.exitCode).as(export.output).isZero();
        assertThat(Files.readAllLines(workDir.resolve("backup.jsonl")).get(0))
                .startsWith("{\"format\":\"plinth-export\",\"version\":1,\"provider\":\"sqlite\"");
        Result check = run(workDir, List.of(plinth, "check"));
        assertThat(check.exitCode).as(check.output).isZero();
        assertThat(check.output).contains("ok: provider sqlite found no damage");
        assertThat(run(workDir, List.of(plinth, "get", "visits", "nope")).exitCode)
                .isEqualTo(4);
    }

    /**
     * {@code plinth watch} in a real terminal (a tmux pane), driven as a person would: it starts, shows a write
     * made by another process as it happens, and stops on Ctrl-C.
     */
    @Test
    void watchInARealTerminalShowsWritesAndStopsOnCtrlC(@TempDir Path workDir) throws Exception {
        String plinth = DIST.resolve("bin/plinth").toString();
        assertThat(run(workDir, List.of(plinth, "--demo")).exitCode).isZero();
        String socket = "plinth-it-" + java.util.UUID.randomUUID();
        try {
            Result started = run(
                    workDir,
                    List.of(
                            "tmux",
                            "-L",
                            socket,
                            "new-session",
                            "-d",
                            "-s",
                            "w",
                            "-x",
                            "160",
                            "-y",
                            "40",
                            "cd " + workDir + " && exec " + plinth + " watch notes 'tmux:*'"));
            assertThat(started.exitCode).as(started.output).isZero();
            awaitPane(workDir, socket, "watching scope 'notes' for 'tmux:*'");

            Result set = run(workDir, List.of(plinth, "set", "notes", "tmux:1", "typed in another terminal"));
            assertThat(set.exitCode).as(set.output).isZero();
            awaitPane(workDir, socket, "SET notes tmux:1 v");

            run(workDir, List.of("tmux", "-L", socket, "send-keys", "-t", "w", "C-c"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (run(workDir, List.of("tmux", "-L", socket, "has-session", "-t", "w")).exitCode == 0) {
                assertThat(System.nanoTime()).as("watch ends on Ctrl-C").isLessThan(deadline);
                Thread.sleep(100);
            }
        } finally {
            run(workDir, List.of("tmux", "-L", socket, "kill-server"));
        }
    }

    private static void awaitPane(Path workDir, String socket, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String pane = "";
        while (System.nanoTime() < deadline) {
            pane = run(workDir, List.of("tmux", "-L", socket, "capture-pane", "-p", "-t", "w")).output;
            if (pane.contains(text)) {
                return;
            }
            Thread.sleep(100);
        }
        assertThat(pane).as("the terminal shows it within a minute").contains(text);
    }

    @Test
    void theSameJarsRunOnTheModulePath(@TempDir Path workDir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Result result = run(
                workDir,
                List.of(
                        java,
                        "--module-path",
                        DIST.resolve("lib").toString(),
                        "--add-modules",
                        "ALL-MODULE-PATH",
                        "-Dplinth.home=" + DIST,
                        "-m",
                        "dev.plinth.examples/dev.plinth.examples.ExampleHost",
                        "--demo",
                        "--config",
                        DIST.resolve("conf/plinth.properties").toString()));
        assertThat(result.exitCode).as(result.output).isZero();
        assertThat(result.output)
                .contains("Plinth demo on storage provider 'sqlite'")
                .contains("plugin auth 1.0.0 is STARTED (" + DIST.resolve("plugins/auth.jar") + ")");
    }

    @Test
    void theEndpointsFlagServesHealthAndMetricsOnLoopbackUntilSigterm(@TempDir Path workDir) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(DIST.resolve("bin/plinth").toString(), "--endpoints", "0")
                .directory(workDir.toFile())
                .redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("PLINTH_"));
        Process p = pb.start();
        try {
            java.io.BufferedReader out = new java.io.BufferedReader(
                    new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            java.util.regex.Pattern ready =
                    java.util.regex.Pattern.compile("^Plinth endpoints on http://127\\.0\\.0\\.1:(\\d+) .*");
            int port = -1;
            StringBuilder seen = new StringBuilder();
            // Read up to the line that names the port, and no further: the host prints nothing after it.
            while (port < 0) {
                String line = out.readLine();
                if (line == null) {
                    break;
                }
                seen.append(line).append('\n');
                java.util.regex.Matcher m = ready.matcher(line);
                if (m.matches()) {
                    port = Integer.parseInt(m.group(1));
                }
            }
            assertThat(port).as(seen.toString()).isPositive();
            java.net.HttpURLConnection health = (java.net.HttpURLConnection) java.net
                    .URI
                    .create("http://127.0.0.1:" + port + "/health")
                    .toURL()
                    .openConnection();
            assertThat(health.getResponseCode()).isEqualTo(200);
            assertThat(new String(health.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .contains("\"status\":\"UP\"")
                    .contains("\"storageProvider\":\"sqlite\"");
            java.net.HttpURLConnection metrics = (java.net.HttpURLConnection) java.net
                    .URI
                    .create("http://127.0.0.1:" + port + "/metrics")
                    .toURL()
                    .openConnection();
            assertThat(metrics.getResponseCode()).isEqualTo(200);
            assertThat(new String(metrics.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .contains("plinth_storage_operations_seconds_count{operation=\"increment\",plugin=\"visits\"}")
                    .contains("plinth_health_status 1.0");
            // Drain the rest so the host never blocks on a full pipe, then stop it as a service manager would.
            Thread drain = new Thread(() -> {
                try {
                    out.transferTo(java.io.Writer.nullWriter());
                } catch (IOException ignored) {
                    // the process ended
                }
            });
            drain.setDaemon(true);
            drain.start();
            p.destroy();
            assertThat(p.waitFor(60, TimeUnit.SECONDS))
                    .as("the host stops on SIGTERM")
                    .isTrue();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aMissingConfiguredProviderFailsWithTheAvailableOnesListed(@TempDir Path workDir) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(DIST.resolve("bin/plinth").toString(), "--demo"));
        Result result = run(workDir, cmd, "PLINTH_STORAGE_PROVIDER", "postgres");
        assertThat(result.exitCode).isEqualTo(1);
        assertThat(result.output)
                .contains("'postgres'")
                .contains("is not on the class path")
                .contains("sqlite (")
                .contains("plinth-provider-sqlite");
    }

    @Test
    void realProviderJarsAreDiscoveredAndSelectedOnAMinimalClassPath(@TempDir Path workDir) throws Exception {
        String core = jars("plinth-runtime-api", "plinth-runtime-core", "jackson-", "slf4j-api");
        String sqlite = jars("plinth-provider-sqlite", "sqlite-jdbc");
        String memory = jars("plinth-provider-memory");

        Result one = listProviders(workDir, core + File.pathSeparator + sqlite);
        assertThat(one.exitCode).as(one.output).isZero();
        assertThat(one.output)
                .contains("provider sqlite " + DIST.resolve("lib"))
                .contains("selected sqlite")
                .doesNotContain("provider memory");

        Result two = listProviders(workDir, core + File.pathSeparator + sqlite + File.pathSeparator + memory);
        assertThat(two.exitCode).as(two.output).isEqualTo(1);
        assertThat(two.output)
                .contains("provider memory")
                .contains("provider sqlite")
                .contains("plinth-provider-memory-")
                .contains("plinth-provider-sqlite-")
                .contains("plinth.storage.provider");

        Result none = listProviders(workDir, core);
        assertThat(none.exitCode).isEqualTo(1);
        assertThat(none.output).contains("error");
    }

    private static Result listProviders(Path workDir, String classPath) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return run(workDir, List.of(java, "-cp", classPath, "dev.plinth.core.Main", "--list-providers"));
    }

    /** The distribution's jars whose names start with any of the prefixes, as a class path. */
    private static String jars(String... prefixes) throws IOException {
        try (Stream<Path> files = Files.list(DIST.resolve("lib"))) {
            return files.filter(f -> Stream.of(prefixes)
                            .anyMatch(p -> f.getFileName().toString().startsWith(p)))
                    .map(Path::toString)
                    .sorted()
                    .collect(Collectors.joining(File.pathSeparator));
        }
    }

    private record Result(int exitCode, String output) {}

    private static Result run(Path workDir, List<String> command, String... env)
            throws IOException, InterruptedException {
        ProcessBuilder pb =
                new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("PLINTH_"));
        for (int i = 0; i < env.length; i += 2) {
            pb.environment().put(env[i], env[i + 1]);
        }
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the host exits").isTrue();
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
