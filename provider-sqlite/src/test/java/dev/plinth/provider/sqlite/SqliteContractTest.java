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

/** The storage contract (provider TCK) against the SQLite provider, each test on a new database file. */
class SqliteContractTest extends StorageContractTck {
    private static Path root;

    @BeforeAll
    static void createRoot() throws IOException {
        root = Files.createTempDirectory("plinth-sqlite-tck");
    }

    @AfterAll
    static void deleteRoot() throws IOException {
        try (var files = Files.walk(root)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
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
            // Other options keep their defaults (eventPollInterval 50ms, WAL, durability normal).
            return Map.of("path", dir.resolve("plinth.db").toString(), "sweepInterval", "50ms");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
