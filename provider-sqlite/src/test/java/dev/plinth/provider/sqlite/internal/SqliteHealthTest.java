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

    @Test
    void upWhileTheFileServesAndDownOnceItIsDeleted() {
        Path db = dir.resolve("plinth.db");
        try (PlinthRuntime rt = PlinthRuntime.builder()
                .storageProvider(new SqliteStorageProvider())
                .discoverPlugins(false)
                .config(PlinthConfig.builder()
                        .properties(Map.of("plinth.storage.sqlite.path", db.toString(), "plinth.health.cacheTtl", "0s"))
                        .build())
                .build()
                .start()) {
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
}
