package dev.plinth.provider.jsonfile;

import static dev.plinth.provider.jsonfile.Backends.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.spi.storage.Capability;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.CommonOptions;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.OptionSpec;
import dev.plinth.spi.storage.ProviderConfig;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.StorageProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonFileStorageProviderTest {

    @TempDir
    Path dir;

    @Test
    void isDiscoveredWithItsIdCapabilitiesAndOptions() {
        StorageProvider p = ServiceLoader.load(StorageProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(s -> s.id().equals("jsonfile")).findFirst().orElseThrow();
        assertThat(p).isInstanceOf(JsonFileStorageProvider.class);
        assertThat(p.capabilities()).containsExactly(Capability.DURABLE);
        assertThat(p.options()).extracting(OptionSpec::name).containsExactly("directory", "durability",
                "flushInterval", "compactionThreshold", CommonOptions.MAX_KEYS.name(),
                CommonOptions.SWEEP_INTERVAL.name());
        assertThat(p.description()).isNotBlank();
    }

    @Test
    void openCreatesTheConfiguredFolder() {
        JsonFileStorageProvider p = new JsonFileStorageProvider();
        Path target = dir.resolve("a/b/c");
        ProviderConfig config = ProviderConfig.builder(p).set("directory", target.toString())
                .set("durability", "batched").set("flushInterval", "10ms").set("compactionThreshold", "4096")
                .set("sweepInterval", "50ms").build();
        try (StorageBackend b = p.open(config, ChangeListener.NONE)) {
            b.set(Namespace.of("demo"), "k", utf8("v"), 0);
        }
        assertThat(Files.isDirectory(target)).isTrue();
        assertThat(target.resolve(FileNames.journal(1))).exists();
    }
}
