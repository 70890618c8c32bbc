package dev.plinth.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.cli.Stores.Kind;
import dev.plinth.core.admin.MigrateOptions;
import dev.plinth.core.admin.MigrationException;
import dev.plinth.core.admin.StorageAdmin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A migration killed with {@code kill -9} mid-run (a child JVM running {@code plinth migrate}) and then run
 * again ends with a target identical to the source and to an uninterrupted migration's target.
 */
class MigrateKillTest {
    private static final int SCOPES = 8;
    private static final int KEYS = 2_000;

    @TempDir
    Path dir;

    @Test
    void killedMidRunThenRerunEndsWithAnIdenticalTarget() throws Exception {
        Map<String, String> source = Stores.options(Kind.SQLITE, dir);
        try (StorageAdmin admin = Stores.open(Kind.SQLITE, source)) {
            for (int s = 0; s < SCOPES; s++) {
                for (int i = 0; i < KEYS; i++) {
                    admin.set("scope" + s, "key:" + i, Stores.utf8("value " + s + "/" + i), null);
                }
            }
            admin.set("scope0", "bin", Stores.BINARY, java.time.Duration.ofHours(1));
        }
        Path config = dir.resolve("source.properties");
        Files.writeString(config, Stores.configFile(Kind.SQLITE, source));
        Map<String, String> target = Stores.options(Kind.SQLITE, dir);
        Path state = dir.resolve("migrate.state");
        List<String> args = List.of(
                "--config",
                config.toString(),
                "migrate",
                "--to",
                "sqlite",
                "--to-option",
                "path=" + target.get("path"),
                "--state",
                state.toString(),
                "--batch",
                "10");

        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                PlinthCli.class.getName()));
        command.addAll(args);
        Process child = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (doneLines(state) < 2 && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(child.isAlive())
                .as("the child is still migrating when killed")
                .isTrue();
        child.destroyForcibly(); // SIGKILL: no shutdown hook, no finally
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        int finished = doneLines(state);
        assertThat(finished).isBetween(2, SCOPES - 1);

        CliRun rerun = CliRun.run("", args.toArray(new String[0]));
        assertThat(rerun.code()).as(rerun.out() + rerun.err()).isZero();
        assertThat(rerun.out()).contains("\tearlier\t").contains("verified: " + SCOPES + " scopes");
        assertThat(state).doesNotExist();

        Map<String, String> fresh = Stores.options(Kind.SQLITE, dir);
        try (StorageAdmin a = Stores.open(Kind.SQLITE, source);
                StorageAdmin resumed = Stores.open(Kind.SQLITE, target);
                StorageAdmin clean = Stores.open(Kind.SQLITE, fresh)) {
            assertThat(a.migrateTo(clean, MigrateOptions.defaults(), l -> {}).ok())
                    .isTrue();
            var expected = Stores.snapshot(a);
            assertThat(expected.get("scope0")).hasSize(KEYS + 1);
            RoundTripTest.assertSameData(expected, Stores.snapshot(resumed), 120_000);
            assertThat(Stores.snapshot(resumed).keySet())
                    .isEqualTo(Stores.snapshot(clean).keySet());
            assertThat(resumed.scopes()).isEqualTo(clean.scopes());
        }
    }

    @Test
    void aStateFileOfAnotherMigrationIsRefused() throws Exception {
        Path state = dir.resolve("other.state");
        Files.writeString(
                state, "{\"migration\":1,\"source\":\"redis\",\"target\":\"jsonfile\",\"allowNonEmpty\":false}\n");
        try (StorageAdmin a = Stores.open(Kind.MEMORY, Map.of());
                StorageAdmin b = Stores.open(Kind.SQLITE, Stores.options(Kind.SQLITE, dir))) {
            a.set("alpha", "k", Stores.utf8("v"), null);
            assertThatThrownBy(() -> a.migrateTo(b, MigrateOptions.defaults().withStateFile(state), l -> {}))
                    .isInstanceOf(MigrationException.class)
                    .hasMessageContaining(
                            "belongs to a migration from 'redis' to 'jsonfile', not from 'memory' to 'sqlite'");
            assertThat(b.scopes()).isEmpty();
        }
    }

    private static int doneLines(Path state) throws Exception {
        if (!Files.exists(state)) {
            return 0;
        }
        return (int) Files.readAllLines(state).stream()
                .filter(l -> l.startsWith("{\"done\""))
                .count();
    }
}
