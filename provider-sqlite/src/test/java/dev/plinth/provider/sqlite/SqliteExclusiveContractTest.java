package dev.plinth.provider.sqlite;

import dev.plinth.spi.storage.StorageProvider;
import dev.plinth.tck.StorageContractTck;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The storage contract (provider TCK) against the SQLite provider with {@code exclusive=true}: the same
 * contract without the cross-process capabilities, which the provider does not declare in that mode.
 */
class SqliteExclusiveContractTest extends StorageContractTck {
    private static Path root;

    @BeforeAll
    static void createRoot() throws IOException {
        root = Files.createTempDirectory("plinth-sqlite-exclusive-tck");
    }

    @AfterAll
    static void deleteRoot() throws IOException {
        try (var files = Files.walk(root)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Override
    protected StorageProvider provider() {
        return new SqliteStorageProvider();
    }

    @Override
    protected Map<String, String> freshOptions() {
        try {
            Path dir = Files.createTempDirectory(root, "t");
            return Map.of("path", dir.resolve("plinth.db").toString(), "sweepInterval", "50ms", "exclusive", "true");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
