package dev.plinth.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
        assertThat(first.output).contains("Plinth demo on storage provider 'sqlite'")
                .contains("visits/count = 1, notes/count = 1");
        assertThat(workDir.resolve("data/plinth.db")).exists();

        Result second = run(workDir, List.of(DIST.resolve("bin/plinth").toString(), "--demo"));
        assertThat(second.exitCode).as(second.output).isZero();
        assertThat(second.output).contains("visits/count = 2, notes/count = 2").contains("[note:n1, note:n2]");
    }

    @Test
    void theSameJarsRunOnTheModulePath(@TempDir Path workDir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Result result = run(workDir, List.of(java, "--module-path", DIST.resolve("lib").toString(),
                "--add-modules", "ALL-MODULE-PATH", "-m", "dev.plinth.examples/dev.plinth.examples.ExampleHost",
                "--demo", "--config", DIST.resolve("conf/plinth.properties").toString()));
        assertThat(result.exitCode).as(result.output).isZero();
        assertThat(result.output).contains("Plinth demo on storage provider 'sqlite'")
                .contains("plugin auth 0 is STARTED");
    }

    @Test
    void aMissingConfiguredProviderFailsWithTheAvailableOnesListed(@TempDir Path workDir) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(DIST.resolve("bin/plinth").toString(), "--demo"));
        Result result = run(workDir, cmd, "PLINTH_STORAGE_PROVIDER", "postgres");
        assertThat(result.exitCode).isEqualTo(1);
        assertThat(result.output).contains("'postgres'").contains("is not on the class path")
                .contains("sqlite (").contains("plinth-provider-sqlite");
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(Path workDir, List<String> command, String... env) throws IOException,
            InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
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
