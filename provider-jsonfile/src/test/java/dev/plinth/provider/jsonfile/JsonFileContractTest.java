package dev.plinth.provider.jsonfile;

import dev.plinth.spi.storage.CommonOptions;
import dev.plinth.spi.storage.StorageProvider;
import dev.plinth.tck.StorageContractTck;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The whole storage contract against the JSON-file provider, each test on a new, empty folder. */
class JsonFileContractTest extends StorageContractTck {

    @TempDir
    static Path root;

    @Override
    protected StorageProvider provider() {
        return new JsonFileStorageProvider();
    }

    @Override
    protected Map<String, String> freshOptions() {
        try {
            Path dir = Files.createTempDirectory(root, "tck-");
            return Map.of(
                    JsonFileStorageProvider.DIRECTORY.name(),
                    dir.toString(),
                    CommonOptions.SWEEP_INTERVAL.name(),
                    "50ms");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
