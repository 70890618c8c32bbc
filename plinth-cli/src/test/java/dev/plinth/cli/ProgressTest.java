package dev.plinth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.cli.Stores.Kind;
import dev.plinth.core.admin.StorageAdmin;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The progress bar of export, import and migrate: on standard error only, so an export to standard output is
 * the same bytes with or without it; off when standard error is not a terminal (here it is a captured stream)
 * or with {@code --no-progress}; drawn when forced with {@code --progress}.
 */
class ProgressTest {
    private static final int KEYS = 2_500; // a few pages of 1,000

    @TempDir
    Path dir;

    private String config;
    private @Nullable Map<String, String> redis;

    @BeforeEach
    void fill() throws Exception {
        Map<String, String> options = Stores.options(Kind.SQLITE, dir);
        try (StorageAdmin admin = Stores.open(Kind.SQLITE, options)) {
            Map<String, byte[]> batch = new LinkedHashMap<>();
            for (int i = 0; i < KEYS; i++) {
                batch.put("k" + i, ("value " + i).getBytes(StandardCharsets.UTF_8));
            }
            admin.store("notes").setAll(batch);
            admin.store("visits").setString("count", "7");
        }
        Path file = dir.resolve("plinth.properties");
        Files.writeString(file, Stores.configFile(Kind.SQLITE, options));
        config = file.toString();
    }

    @AfterEach
    void cleanRedis() {
        Map<String, String> r = redis;
        if (r != null) {
            Stores.cleanRedis(r);
        }
    }

    private CliRun plinth(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--config";
        all[1] = config;
        System.arraycopy(args, 0, all, 2, args.length);
        return CliRun.run("", all);
    }

    @Test
    void exportToStandardOutputIsTheSameBytesWithTheBarForcedOnOrOff() {
        CliRun auto = plinth("export");
        CliRun off = plinth("export", "--no-progress");
        CliRun on = plinth("export", "--progress");
        assertThat(auto.code()).isZero();
        assertThat(on.code()).isZero();
        // The header carries the time of the export: compare everything after it.
        assertThat(body(on.out())).isEqualTo(body(off.out())).isEqualTo(body(auto.out()));
        assertThat(on.out()).doesNotContain("\r", "plinth:");
        assertThat(on.out().lines()).hasSize(KEYS + 1 + 2);

        assertThat(auto.err()).doesNotContain("\r", "keys/s").isEqualTo(off.err());
        assertThat(off.err()).isEqualTo("plinth: exported " + (KEYS + 1) + " keys of 2 scopes from 'sqlite'\n");
        assertThat(on.err())
                .contains("\rplinth: export [", "100%", String.format("%,d/%,d", KEYS + 1, KEYS + 1))
                .endsWith("plinth: exported " + (KEYS + 1) + " keys of 2 scopes from 'sqlite'\n");
    }

    private static List<String> body(String export) {
        List<String> lines = export.lines().toList();
        return lines.subList(1, lines.size());
    }

    @Test
    void importShowsKeysAndTheShareOfTheFileRead() throws Exception {
        Path backup = dir.resolve("backup.jsonl");
        assertThat(plinth("export", "--output", backup.toString()).code()).isZero();
        Map<String, String> other = Stores.options(Kind.JSONFILE, dir);
        Path otherConfig = dir.resolve("json.properties");
        Files.writeString(otherConfig, Stores.configFile(Kind.JSONFILE, other));

        CliRun quiet = CliRun.run("", "--config", otherConfig.toString(), "import", backup.toString());
        assertThat(quiet.code()).isZero();
        assertThat(quiet.err()).isEmpty();
        CliRun shown = CliRun.run(
                "",
                "--config",
                otherConfig.toString(),
                "import",
                backup.toString(),
                "--on-conflict",
                "skip",
                "--progress");
        assertThat(shown.code()).isZero();
        assertThat(shown.out()).isEqualTo("imported 0, skipped " + (KEYS + 1) + " existing and 0 expired\n");
        assertThat(shown.err()).contains("\rplinth: import [", "100%", String.format("%,d keys", KEYS + 1));
    }

    @Test
    void migrateDrawsCopyThenVerifyAndTheScopeLines() {
        Map<String, String> target = Stores.options(Kind.REDIS, dir);
        redis = target;
        List<String> to = target.entrySet().stream()
                .flatMap(e -> Stream.of("--to-option", e.getKey() + "=" + e.getValue()))
                .toList();
        List<String> args = new ArrayList<>(List.of(
                "migrate", "--to", "redis", "--state", dir.resolve("m.state").toString()));
        args.addAll(to);
        List<String> quietArgs = new ArrayList<>(args);
        quietArgs.add("--no-progress");
        List<String> shownArgs = new ArrayList<>(args);
        shownArgs.add("--progress");

        CliRun shown = plinth(shownArgs.toArray(String[]::new));
        assertThat(shown.code()).as(shown.err()).isZero();
        assertThat(shown.out()).contains("verified: 2 scopes, " + (KEYS + 1) + " keys copied");
        String err = shown.err();
        assertThat(err).contains("\rplinth: copy [", "\rplinth: verify [", "plinth: scope notes: copied " + KEYS);
        assertThat(err.indexOf("plinth: copy")).isLessThan(err.indexOf("plinth: verify"));
        assertThat(err).contains(String.format("%,d/%,d keys", KEYS + 1, KEYS + 1));

        // Into the same target again, allowed: no bar, no scope lines.
        quietArgs.add("--allow-non-empty");
        quietArgs.add("--yes");
        CliRun quiet = plinth(quietArgs.toArray(String[]::new));
        assertThat(quiet.code()).as(quiet.err()).isZero();
        assertThat(quiet.err()).isEmpty();
    }
}
