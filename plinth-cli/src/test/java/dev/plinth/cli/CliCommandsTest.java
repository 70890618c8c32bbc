package dev.plinth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.cli.Stores.Kind;
import dev.plinth.core.admin.StorageAdmin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every command as a person or a script runs it: output, exit codes, confirmation, configuration sources. */
class CliCommandsTest {
    @TempDir
    Path dir;

    private Map<String, String> options;
    private String config;

    @BeforeEach
    void configure() throws Exception {
        options = Stores.options(Kind.SQLITE, dir);
        Path file = dir.resolve("plinth.properties");
        Files.writeString(file, Stores.configFile(Kind.SQLITE, options) + "plinth.plugins.notes.greeting=hi\n");
        config = file.toString();
    }

    private CliRun plinth(String... args) {
        return plinthWithInput("", args);
    }

    private CliRun plinthWithInput(String stdin, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--config";
        all[1] = config;
        System.arraycopy(args, 0, all, 2, args.length);
        return CliRun.run(stdin, all);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"scopes", "keys", "get", "set", "del", "ttl", "watch", "export", "import", "migrate", "check"})
    void everyCommandHasHelp(String command) {
        CliRun r = CliRun.run("", command, "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("Usage: plinth " + command).contains("-h, --help");
    }

    @Test
    void theTopLevelHelpListsCommandsAndExitCodes() {
        CliRun r = CliRun.run("", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out())
                .contains("Usage: plinth [-hV] [--config=<file>] [-D=<key>=<value>]...")
                .contains("scopes", "keys", "export", "import", "migrate", "check", "generate-completion")
                .contains("Exit codes:", "3   check found damage", "5   not confirmed");
        assertThat(CliRun.run("", "help", "migrate").out()).contains("--to=<provider>", "--to-option=<name>=<value>");
    }

    @Test
    void badArgumentsExitTwo() {
        CliRun r = plinth("keys");
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("Missing required parameter: '<scope>'");
        assertThat(CliRun.run("", "frobnicate").code()).isEqualTo(ExitCodes.USAGE);
        CliRun badKey = CliRun.run("", "--config", config, "-Dplinth.storage.sqlite.pth=x", "scopes");
        assertThat(badKey.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(badKey.err()).contains("plinth.storage.sqlite.pth").contains("plinth.storage.sqlite.path");
    }

    @Test
    void shellCompletionIsGenerated() {
        CliRun r = CliRun.run("", "generate-completion");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("complete -F").contains("migrate");
    }

    @Test
    void setGetKeysTtlDelAndScopes() {
        assertThat(plinth("set", "notes", "note:1", "hello \uD83D\uDE00").out()).startsWith("version ");
        assertThat(plinth("set", "notes", "note:2", "bye", "--ttl", "10m").code())
                .isZero();
        assertThat(plinth("set", "notes/archive", "note:1", "AP/+", "--base64").code())
                .isZero();

        assertThat(plinth("get", "notes", "note:1").out()).isEqualTo("hello \uD83D\uDE00\n");
        CliRun binary = plinth("get", "notes/archive", "note:1");
        assertThat(binary.out().trim()).isEqualTo("AP/+");
        assertThat(binary.err()).contains("not UTF-8");
        assertThat(plinth("get", "notes/archive", "note:1", "--raw").outBytes()).containsExactly(0, 0xFF, 0xFE);
        assertThat(plinth("get", "notes", "note:1", "--json").out())
                .startsWith(
                        "{\"scope\":\"notes\",\"key\":\"note:1\",\"encoding\":\"utf8\",\"value\":\"hello \uD83D\uDE00\"")
                .contains("\"expiresAt\":0}");
        CliRun missing = plinth("get", "notes", "nope");
        assertThat(missing.code()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(missing.err()).contains("no key 'nope' in scope 'notes'");

        assertThat(plinth("keys", "notes").out()).isEqualTo("note:1\nnote:2\n");
        assertThat(plinth("keys", "notes", "*:2").out()).isEqualTo("note:2\n");
        assertThat(plinth("keys", "notes", "--limit", "1").out()).isEqualTo("note:1\n");
        assertThat(plinth("scopes").out()).isEqualTo("notes\t2\nnotes/archive\t1\n");
        assertThat(plinth("scopes", "--json").out()).startsWith("{\"scope\":\"notes\",\"keys\":2}");

        String ttl = plinth("ttl", "notes", "note:2").out();
        long ms = Long.parseLong(ttl.substring(0, ttl.indexOf('\t')));
        assertThat(ms).isBetween(1L, 600_000L);
        assertThat(plinth("ttl", "notes", "note:1").out()).isEqualTo("none\n");
        assertThat(plinth("ttl", "notes", "nope").code()).isEqualTo(ExitCodes.NOT_FOUND);

        assertThat(plinth("del", "notes", "note:1").out()).isEqualTo("1\n");
        assertThat(plinth("del", "notes", "note:1").out()).isEqualTo("0\n");
        assertThat(plinth("del", "notes").code()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void deletingByPatternAsksUnlessYes() {
        for (int i = 0; i < 5; i++) {
            plinth("set", "notes", "n:" + i, "x");
        }
        CliRun noAnswer = plinth("del", "notes", "--pattern", "n:*");
        assertThat(noAnswer.code()).isEqualTo(ExitCodes.NOT_CONFIRMED);
        assertThat(noAnswer.err()).contains("Delete 5 keys matching 'n:*' in scope 'notes'? [y/N]", "--yes");
        CliRun no = plinthWithInput("n\n", "del", "notes", "--pattern", "n:*");
        assertThat(no.code()).isEqualTo(ExitCodes.NOT_CONFIRMED);
        assertThat(plinth("keys", "notes").out().lines()).hasSize(5);

        CliRun yes = plinthWithInput("y\n", "del", "notes", "--pattern", "n:[0-2]");
        assertThat(yes.code()).isZero();
        assertThat(yes.out()).isEqualTo("3\n");
        assertThat(plinth("del", "notes", "--pattern", "*", "--yes").out()).isEqualTo("2\n");
    }

    @Test
    void configurationComesFromTheEnvironmentAndDashD() {
        plinth("set", "notes", "a", "1");
        CliRun viaEnv = CliRun.run(new byte[0], Map.of("PLINTH_CONFIG", config), "scopes");
        assertThat(viaEnv.out()).isEqualTo("notes\t1\n");
        Path other = dir.resolve("other.db");
        CliRun viaD = CliRun.run(
                new byte[0], Map.of("PLINTH_CONFIG", config), "-Dplinth.storage.sqlite.path=" + other, "scopes");
        assertThat(viaD.code()).isZero();
        assertThat(viaD.out()).isEmpty();
        assertThat(other).exists();
    }

    @Test
    void exportAndImportThroughTheCommandLine() throws Exception {
        plinth("set", "notes", "a", "1");
        plinth("set", "notes", "b", "AP8=", "--base64");
        Path backup = dir.resolve("backup.jsonl");
        CliRun export = plinth("export", "--output", backup.toString());
        assertThat(export.code()).isZero();
        assertThat(export.err()).contains("exported 2 keys of 1 scopes from 'sqlite'");
        CliRun toStdout = plinth("export", "--scope", "notes");
        assertThat(toStdout.out().lines()).hasSize(4);

        Map<String, String> other = Stores.options(Kind.JSONFILE, dir);
        Path otherConfig = dir.resolve("json.properties");
        Files.writeString(otherConfig, Stores.configFile(Kind.JSONFILE, other));
        CliRun imported = CliRun.run("", "--config", otherConfig.toString(), "import", backup.toString());
        assertThat(imported.code()).isZero();
        assertThat(imported.out()).isEqualTo("imported 2, skipped 0 existing and 0 expired\n");
        CliRun conflict = CliRun.run("", "--config", otherConfig.toString(), "import", backup.toString());
        assertThat(conflict.code()).isEqualTo(ExitCodes.FAILED);
        assertThat(conflict.err()).contains("line 2: key 'a' already exists in scope 'notes'");
        CliRun skip = CliRun.run(
                "", "--config", otherConfig.toString(), "import", backup.toString(), "--on-conflict", "skip");
        assertThat(skip.out()).isEqualTo("imported 0, skipped 2 existing and 0 expired\n");
        CliRun overwrite = CliRun.run(
                "", "--config", otherConfig.toString(), "import", backup.toString(), "--on-conflict", "overwrite");
        assertThat(overwrite.code()).isEqualTo(ExitCodes.NOT_CONFIRMED);
        CliRun fromStdin = CliRun.run(
                Files.readAllBytes(backup),
                Map.of(),
                "--config",
                otherConfig.toString(),
                "import",
                "-",
                "--on-conflict",
                "overwrite",
                "--yes");
        assertThat(fromStdin.out()).isEqualTo("imported 2, skipped 0 existing and 0 expired\n");
        try (StorageAdmin json = Stores.open(Kind.JSONFILE, other)) {
            assertThat(json.get("notes", "b").orElseThrow().value()).containsExactly(0, 0xFF);
        }
    }

    @Test
    void migrateThroughTheCommandLineRefusesANonEmptyTargetUnlessAllowed() {
        plinth("set", "notes", "a", "1");
        plinth("set", "visits", "count", "7", "--ttl", "1h");
        Map<String, String> target = Stores.options(Kind.JSONFILE, dir);
        String to = "directory=" + target.get("directory");
        String state = dir.resolve("m.state").toString();
        CliRun first = plinth("migrate", "--to", "jsonfile", "--to-option", to, "--state", state, "--progress");
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out())
                .contains("notes\tcopied 1\tsource 1\ttarget 1\tok", "visits\tcopied 1")
                .contains("verified: 2 scopes, 2 keys copied from 'sqlite' to 'jsonfile'");
        assertThat(first.err()).contains("plinth: scope notes: copied 1", "verified");

        try (StorageAdmin json = Stores.open(Kind.JSONFILE, target)) {
            json.set("notes", "only-in-target", Stores.utf8("mine"), null);
        }
        CliRun again = plinth("migrate", "--to", "jsonfile", "--to-option", to, "--state", state);
        assertThat(again.code()).isEqualTo(ExitCodes.FAILED);
        assertThat(again.err()).contains("already holds data (scopes [notes, visits])", "--allow-non-empty");
        // A refused run leaves no state file, so the next run is not taken for a resumed one.
        assertThat(Path.of(state)).doesNotExist();
        assertThat(plinth("migrate", "--to", "jsonfile", "--to-option", to, "--allow-non-empty")
                        .code())
                .isEqualTo(ExitCodes.NOT_CONFIRMED);
        CliRun allowed = plinth(
                "migrate", "--to", "jsonfile", "--to-option", to, "--allow-non-empty", "--yes", "--state", state);
        assertThat(allowed.code()).as(allowed.out()).isEqualTo(ExitCodes.FAILED); // the target has one key more
        assertThat(allowed.out()).contains("notes\tcopied 1\tsource 1\ttarget 2\tMISMATCH", "NOT VERIFIED");
        try (StorageAdmin json = Stores.open(Kind.JSONFILE, target)) {
            // Keys of the same name were replaced, the target's own kept.
            assertThat(json.get("notes", "only-in-target").orElseThrow().valueAsString())
                    .isEqualTo("mine");
            assertThat(json.get("notes", "a").orElseThrow().valueAsString()).isEqualTo("1");
        }

        CliRun unknown = plinth("migrate", "--to", "nosuch");
        assertThat(unknown.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("Unknown storage provider 'nosuch'", "jsonfile", "redis");
        CliRun badOption = plinth("migrate", "--to", "jsonfile", "--to-option", "direktory=x");
        assertThat(badOption.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(badOption.err()).contains("plinth.storage.jsonfile.direktory");
    }

    @Test
    void watchPrintsEventsAsTheyHappen() throws Exception {
        plinth("set", "notes", "warm", "up"); // the file exists before the watcher opens it
        CompletableFuture<CliRun> watching =
                CompletableFuture.supplyAsync(() -> plinth("watch", "notes", "n:*", "--json", "--count", "2"));
        // Another process's writes (here another backend on the same file) reach the watcher through
        // SQLite's change log; write until the watcher has seen two, as it may subscribe after the first.
        try (StorageAdmin writer = Stores.open(Kind.SQLITE, options)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int i = 0;
            while (!watching.isDone() && System.nanoTime() < deadline) {
                writer.set("notes", "n:" + i++, Stores.utf8("v"), null);
                writer.set("notes", "other", Stores.utf8("v"), null);
                Thread.sleep(100);
            }
        }
        CliRun r = watching.get(10, TimeUnit.SECONDS);
        assertThat(r.code()).isZero();
        assertThat(r.err()).contains("watching scope 'notes' for 'n:*'");
        assertThat(r.out().lines())
                .hasSize(2)
                .allSatisfy(line -> assertThat(line).startsWith("{\"type\":\"SET\",\"scope\":\"notes\",\"key\":\"n:"))
                .noneMatch(line -> line.contains("other"));
    }

    @Test
    void getJsonOfBinaryIsBase64() {
        plinth("set", "notes", "b", Base64.getEncoder().encodeToString(Stores.BINARY), "--base64");
        assertThat(plinth("get", "notes", "b", "--json").out())
                .contains("\"encoding\":\"base64\",\"value\":\"AP/+f8Mo\"");
    }
}
