package dev.plinth.provider.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.ConfigurationException;
import dev.plinth.provider.sqlite.internal.SqliteOptions;
import dev.plinth.provider.sqlite.internal.TestBackends;
import dev.plinth.spi.storage.Capability;
import dev.plinth.spi.storage.ChangeFeed;
import dev.plinth.spi.storage.ChangeListener;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqliteStorageProviderTest {
    @TempDir
    Path dir;

    @Test
    void isFoundByServiceLoaderWithItsIdAndCapabilities() {
        StorageProvider p = ServiceLoader.load(StorageProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(s -> s.id().equals("sqlite"))
                .findFirst()
                .orElseThrow();
        assertThat(p).isInstanceOf(SqliteStorageProvider.class);
        assertThat(p.capabilities())
                .containsExactlyInAnyOrder(
                        Capability.DURABLE,
                        Capability.SHARED_ACROSS_PROCESSES,
                        Capability.CROSS_PROCESS_LOCKS,
                        Capability.CROSS_PROCESS_EVENTS);
        assertThat(p.description()).isNotBlank();
    }

    @Test
    void declaresTypedOptionsWithDefaults() {
        Map<String, OptionSpec<?>> options =
                new SqliteStorageProvider().options().stream().collect(Collectors.toMap(OptionSpec::name, o -> o));
        assertThat(options)
                .containsOnlyKeys(
                        "path",
                        "wal",
                        "durability",
                        "busyTimeout",
                        "readPoolSize",
                        "eventPollInterval",
                        "exclusive",
                        "checkAtOpen",
                        CommonOptions.MAX_KEYS.name(),
                        CommonOptions.SWEEP_INTERVAL.name());
        ProviderConfig defaults =
                ProviderConfig.builder(new SqliteStorageProvider()).build();
        assertThat(defaults.get(SqliteOptions.PATH)).isEqualTo(Path.of("data", "plinth.db"));
        assertThat(defaults.get(SqliteOptions.WAL)).isTrue();
        assertThat(defaults.get(SqliteOptions.DURABILITY)).isEqualTo(SqliteOptions.Durability.NORMAL);
        assertThat(defaults.get(SqliteOptions.BUSY_TIMEOUT)).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.get(SqliteOptions.EXCLUSIVE)).isFalse();
        assertThat(defaults.get(SqliteOptions.CHECK_AT_OPEN)).isEqualTo(SqliteOptions.CheckAtOpen.QUICK);
        assertThat(TestBackends.config(Map.of("checkAtOpen", "full")).get(SqliteOptions.CHECK_AT_OPEN))
                .isEqualTo(SqliteOptions.CheckAtOpen.FULL);

        ProviderConfig set = TestBackends.config(
                Map.of("durability", "FULL", "busyTimeout", "250ms", "readPoolSize", "2", "wal", "false"));
        assertThat(set.get(SqliteOptions.DURABILITY)).isEqualTo(SqliteOptions.Durability.FULL);
        assertThat(set.get(SqliteOptions.BUSY_TIMEOUT)).isEqualTo(Duration.ofMillis(250));
        assertThat(set.get(SqliteOptions.READ_POOL_SIZE)).isEqualTo(2);
        assertThat(set.get(SqliteOptions.WAL)).isFalse();
    }

    @Test
    void rejectsInvalidOptionValuesNamingTheOption() {
        assertThatThrownBy(() -> TestBackends.config(Map.of("durability", "paranoid")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("normal")
                .hasMessageContaining("full");
        assertThatThrownBy(() -> TestBackends.config(Map.of("busyTimeout", "5")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TestBackends.config(Map.of("readPoolSize", "0")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TestBackends.config(Map.of("wal", "yes")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TestBackends.config(Map.of("journal", "wal")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("journal");
    }

    /** SQLite's busy timeout is an int of milliseconds: a longer one is refused, not silently shortened. */
    @Test
    void aBusyTimeoutLongerThanSqliteTakesIsRefusedNamingTheOption() {
        Path file = dir.resolve("busy/plinth.db");
        ProviderConfig tooLong = TestBackends.config(Map.of("path", file.toString(), "busyTimeout", "25d"));
        assertThatThrownBy(() -> new SqliteStorageProvider().open(tooLong, TestBackends.context(ChangeListener.NONE)))
                .isInstanceOfSatisfying(
                        ConfigurationException.class,
                        e -> assertThat(e.key()).contains("plinth.storage.sqlite.busyTimeout"))
                .hasMessageContaining("plinth.storage.sqlite.busyTimeout")
                .hasMessageContaining("2160000000 ms");
        assertThat(file).doesNotExist();
        ProviderConfig longest = TestBackends.config(Map.of("path", file.toString(), "busyTimeout", "24d"));
        try (StorageBackend backend =
                new SqliteStorageProvider().open(longest, TestBackends.context(ChangeListener.NONE))) {
            assertThat(((FastPaths) backend).set(Namespace.of("p"), "k", new byte[] {1}, 0))
                    .isPositive();
        }
    }

    /** Built for this SPI, and every optional part is native in both modes (SQLite shares across processes). */
    @ParameterizedTest(name = "exclusive={0}")
    @ValueSource(booleans = {false, true})
    void speaksSpiTwoWithEveryPartNative(boolean exclusive) {
        SqliteStorageProvider provider = new SqliteStorageProvider();
        assertThat(provider.spiVersion()).isEqualTo(StorageProvider.SPI_VERSION);
        ProviderConfig config = TestBackends.config(
                Map.of("path", dir.resolve("parts.db").toString(), "exclusive", Boolean.toString(exclusive)));
        try (StorageBackend backend = provider.open(config, TestBackends.context(ChangeListener.NONE))) {
            assertThat(backend)
                    .isInstanceOf(FastPaths.class)
                    .isInstanceOf(NativeCounters.class)
                    .isInstanceOf(NativePatterns.class)
                    .isInstanceOf(NativeLocks.class)
                    .isInstanceOf(NativeQuotas.class)
                    .isInstanceOf(ChangeFeed.class);
            assertThat(backend.getClass().getPackageName())
                    .as("not in the exported package")
                    .isEqualTo(SqliteStorageProvider.class.getPackageName() + ".internal");
        }
    }

    @Test
    void constructionAndDescriptionTouchNoFiles() throws Exception {
        Path cwdData = Path.of("data");
        boolean existed = Files.exists(cwdData);
        SqliteStorageProvider p = new SqliteStorageProvider();
        p.id();
        p.description();
        p.capabilities();
        p.options();
        assertThat(Files.exists(cwdData)).isEqualTo(existed);
    }

    @Test
    void openCreatesTheFileAndItsFolders() {
        Path file = dir.resolve("a/b/c/store.db");
        ProviderConfig config = TestBackends.config(Map.of("path", file.toString(), "sweepInterval", "50ms"));
        try (StorageBackend backend =
                new SqliteStorageProvider().open(config, TestBackends.context(ChangeListener.NONE))) {
            assertThat(backend.toString()).contains(file.toString());
        }
        assertThat(file).isRegularFile();
    }
}
