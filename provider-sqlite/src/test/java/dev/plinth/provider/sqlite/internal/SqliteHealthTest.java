package dev.plinth.provider.sqlite.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.api.health.HealthStatus;
import dev.plinth.core.PlinthRuntime;
import dev.plinth.core.config.PlinthConfig;
import dev.plinth.core.health.HealthReport;
import dev.plinth.provider.sqlite.SqliteStorageProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite probe reads the file, and notices the file being deleted under the open database. */
class SqliteHealthTest {
    @TempDir
    Path dir;

    /** @return a started runtime on the SQLite file {@code db}, health probed on every call */
    private static PlinthRuntime started(Path db) {
        return PlinthRuntime.builder()
                .storageProvider(new SqliteStorageProvider())
                .discoverPlugins(false)
                .config(PlinthConfig.builder()
                        .properties(Map.of("plinth.storage.sqlite.path", db.toString(), "plinth.health.cacheTtl", "0s"))
                        .build())
                .build()
                .start();
    }

    @Test
    void upWhileTheFileServesAndDownOnceItIsDeleted() {
        Path db = dir.resolve("plinth.db");
        try (PlinthRuntime rt = started(db)) {
            rt.storage("notes").setString("k", "v");
            HealthReport up = rt.health();
            assertThat(up.status()).isEqualTo(HealthStatus.UP);
            assertThat(up.storage().details())
                    .containsEntry("file", db.toAbsolutePath().toString());

            assertThat(db.toFile().delete()).isTrue();
            HealthReport down = rt.health();
            assertThat(down.status()).isEqualTo(HealthStatus.DOWN);
            assertThat(down.storage().reason()).contains(db.toString()).contains("is gone");
            assertThat(Files.exists(db)).isFalse();
        }
    }

    @Test
    void theProbeCountsCommitsAndTheWritesTheyCarried() throws Exception {
        Path db = dir.resolve("figures.db");
        try (PlinthRuntime rt = started(db)) {
            Map<String, String> before = rt.health().storage().details();
            for (int i = 0; i < 3; i++) {
                rt.storage("notes").setString("k" + i, "v");
            }
            Map<String, String> after = rt.health().storage().details();
            assertThat(figure(after, "writes") - figure(before, "writes")).isEqualTo(3);
            assertThat(figure(after, "commits") - figure(before, "commits")).isEqualTo(3);

            // Writers racing each other share commits (group commit): every write is counted once, and the
            // commits are at most as many.
            Thread[] writers = new Thread[8];
            for (int t = 0; t < writers.length; t++) {
                int id = t;
                writers[t] = new Thread(() -> {
                    for (int i = 0; i < 50; i++) {
                        rt.storage("notes").setString("t" + id + "." + i, "v");
                    }
                });
                writers[t].start();
            }
            for (Thread w : writers) {
                w.join();
            }
            Map<String, String> raced = rt.health().storage().details();
            assertThat(figure(raced, "writes") - figure(after, "writes")).isEqualTo(400);
            assertThat(figure(raced, "commits") - figure(after, "commits")).isBetween(1L, 400L);
            assertThat(figure(raced, "commitMicros")).isGreaterThanOrEqualTo(figure(after, "commitMicros"));
        }
    }

    private static long figure(Map<String, String> details, String name) {
        assertThat(details).containsKey(name);
        return Long.parseLong(details.get(name));
    }
}
