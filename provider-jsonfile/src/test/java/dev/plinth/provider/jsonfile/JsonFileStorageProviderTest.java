package dev.plinth.provider.jsonfile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.spi.storage.BackendContext;
import dev.plinth.spi.storage.Capability;
import dev.plinth.spi.storage.ChangeFeed;
import dev.plinth.spi.storage.CommonOptions;
import dev.plinth.spi.storage.FastPaths;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.NativeCounters;
import dev.plinth.spi.storage.NativeLocks;
import dev.plinth.spi.storage.NativePatterns;
import dev.plinth.spi.storage.NativeQuotas;
import dev.plinth.spi.storage.OptionSpec;
import dev.plinth.spi.storage.ProviderConfig;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.StorageProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the runtime sees of the provider: discovery, options, the SPI handshake and the parts it opens. */
class JsonFileStorageProviderTest {

    @TempDir
    Path dir;
    /** Stands in for the runtime's scheduler. */
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopScheduler() {
        scheduler.shutdownNow();
    }

    @Test
    void isDiscoveredWithItsIdCapabilitiesAndOptions() {
        StorageProvider p = ServiceLoader.load(StorageProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(s -> s.id().equals("jsonfile"))
                .findFirst()
                .orElseThrow();
        assertThat(p).isInstanceOf(JsonFileStorageProvider.class);
        assertThat(p.capabilities()).containsExactly(Capability.DURABLE);
        assertThat(p.options())
                .extracting(OptionSpec::name)
                .containsExactly(
                        "directory",
                        "durability",
                        "flushInterval",
                        "compactionThreshold",
                        CommonOptions.MAX_KEYS.name(),
                        CommonOptions.SWEEP_INTERVAL.name());
        assertThat(p.description()).isNotBlank();
        assertThat(p.spiVersion()).isEqualTo(StorageProvider.SPI_VERSION);
    }

    @Test
    void itsBackendDoesEverythingNativelyButLocksWhichTheRuntimeKeeps() {
        JsonFileStorageProvider p = new JsonFileStorageProvider();
        ProviderConfig config =
                ProviderConfig.builder(p).set("directory", dir.toString()).build();
        try (StorageBackend b = p.open(config, BackendContext.standalone(scheduler))) {
            assertThat(b)
                    .isInstanceOf(FastPaths.class)
                    .isInstanceOf(NativeCounters.class)
                    .isInstanceOf(NativePatterns.class)
                    .isInstanceOf(NativeQuotas.class)
                    .isInstanceOf(ChangeFeed.class);
            // Single-process: the runtime's in-process leases are all a folder owned by one runtime needs.
            assertThat(b).isNotInstanceOf(NativeLocks.class);
            assertThat(p.capabilities())
                    .doesNotContain(Capability.CROSS_PROCESS_LOCKS, Capability.SHARED_ACROSS_PROCESSES);
        }
    }

    @Test
    void openCreatesTheConfiguredFolder() {
        JsonFileStorageProvider p = new JsonFileStorageProvider();
        Path target = dir.resolve("a/b/c");
        ProviderConfig config = ProviderConfig.builder(p)
                .set("directory", target.toString())
                .set("durability", "batched")
                .set("flushInterval", "10ms")
                .set("compactionThreshold", "4096")
                .set("sweepInterval", "50ms")
                .build();
        try (StorageBackend b = p.open(config, BackendContext.standalone(scheduler))) {
            ((FastPaths) b).set(Namespace.of("demo"), "k", "v".getBytes(StandardCharsets.UTF_8), 0);
        }
        assertThat(Files.isDirectory(target)).isTrue();
        assertThat(target.resolve("journal-000000000001.jsonl")).exists();
    }
}
