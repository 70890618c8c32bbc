package dev.plinth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.cli.Stores.Kind;
import dev.plinth.core.admin.StorageAdmin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What docs/cli.md says about a jsonfile folder a host holds: every command refuses it at open with exit 1,
 * naming the owner, and the owner's data is untouched.
 */
class HeldJsonFolderTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(
            strings = {
                "scopes",
                "export",
                "check",
                "get notes a",
                "set notes b 2",
                "del notes a",
                "keys notes",
                "import -"
            })
    void everyCommandIsRefusedWhileAHostHoldsTheFolder(String command) throws Exception {
        Map<String, String> options = Stores.options(Kind.JSONFILE, dir);
        Path config = dir.resolve("json.properties");
        Files.writeString(config, Stores.configFile(Kind.JSONFILE, options));
        try (StorageAdmin host = Stores.open(Kind.JSONFILE, options)) {
            host.set("notes", "a", Stores.utf8("1"), null);
            CliRun run = CliRun.run("", ("--config " + config + " " + command).split(" "));
            assertThat(run.code()).as(run.err()).isEqualTo(ExitCodes.FAILED);
            assertThat(run.err()).contains("already in use by another Plinth runtime", "pid");
            assertThat(run.out()).isEmpty();
            assertThat(host.get("notes", "a").orElseThrow().valueAsString()).isEqualTo("1");
            assertThat(host.get("notes", "b")).isEmpty();
        }
    }

    @Test
    void aHeldFolderIsNoMigrationTarget() throws Exception {
        Map<String, String> source = Stores.options(Kind.SQLITE, dir);
        try (StorageAdmin s = Stores.open(Kind.SQLITE, source)) {
            s.set("notes", "a", Stores.utf8("from sqlite"), null);
        }
        Path config = dir.resolve("sqlite.properties");
        Files.writeString(config, Stores.configFile(Kind.SQLITE, source));
        Map<String, String> target = Stores.options(Kind.JSONFILE, dir);
        try (StorageAdmin host = Stores.open(Kind.JSONFILE, target)) {
            CliRun run = CliRun.run(
                    "",
                    "--config",
                    config.toString(),
                    "migrate",
                    "--to",
                    "jsonfile",
                    "--to-option",
                    "directory=" + target.get("directory"),
                    "--state",
                    dir.resolve("m.state").toString());
            assertThat(run.code()).as(run.err()).isEqualTo(ExitCodes.FAILED);
            assertThat(run.err()).contains("already in use by another Plinth runtime");
            assertThat(host.scopes()).isEmpty();
            assertThat(dir.resolve("m.state")).doesNotExist();
        }
    }
}
