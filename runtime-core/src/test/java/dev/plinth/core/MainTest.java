package dev.plinth.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** In-process checks of the command line; a child-JVM test covers a full start and stop. */
class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void startupFailureIsOneLineOnStandardErrorAndExitCodeOne() {
        // the test class path holds no storage provider
        assertThat(run()).isEqualTo(1);
        assertThat(err())
                .isEqualTo("plinth: startup failed: No storage provider found on the class path: add a "
                        + "provider jar (for example plinth-provider-memory or plinth-provider-sqlite)."
                        + System.lineSeparator());
    }

    @Test
    void unreadableConfigFileFailsStartup(@TempDir Path dir) {
        Path missing = dir.resolve("missing.properties");
        assertThat(run("--config", missing.toString())).isEqualTo(1);
        assertThat(err())
                .startsWith("plinth: startup failed: Cannot read configuration file " + missing)
                .doesNotContain("\n" + "\tat");
        assertThat(err().strip().lines()).hasSize(1);
    }

    @Test
    void listProvidersReportsTheSelectionOutcome() {
        assertThat(run("--list-providers")).isEqualTo(1);
        assertThat(out())
                .isEqualTo("error No storage provider found on the class path: add a provider jar (for "
                        + "example plinth-provider-memory or plinth-provider-sqlite)." + System.lineSeparator());
    }

    @Test
    void badArgumentsExitWithTwo() {
        assertThat(run("--bogus")).isEqualTo(2);
        assertThat(err()).startsWith("plinth: unknown argument '--bogus'");
        assertThat(run("--config")).isEqualTo(2);
    }

    @Test
    void helpPrintsUsage() {
        assertThat(run("--help")).isZero();
        assertThat(out())
                .startsWith(
                        "usage: java dev.plinth.core.Main [--config <file>] [--list-providers] [--list-plugins] [--help]");
    }
}
