package dev.plinth.provider.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.spi.storage.CommonOptions;
import dev.plinth.spi.storage.StorageProvider;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class MemoryStorageProviderTest {

    @Test
    void describesItselfWithoutCapabilities() {
        MemoryStorageProvider provider = new MemoryStorageProvider();
        assertThat(provider.id()).isEqualTo("memory");
        assertThat(provider.description()).isNotBlank();
        assertThat(provider.capabilities()).isEmpty();
        assertThat(provider.options()).containsExactly(CommonOptions.MAX_KEYS, CommonOptions.SWEEP_INTERVAL);
    }

    @Test
    void isFoundByServiceLoader() {
        assertThat(ServiceLoader.load(StorageProvider.class).stream().map(ServiceLoader.Provider::type))
                .contains(MemoryStorageProvider.class);
    }

    @Test
    void startsNoThreadBeforeOpen() {
        long before = sweeperThreads();
        MemoryStorageProvider provider = new MemoryStorageProvider();
        provider.id();
        provider.options();
        provider.capabilities();
        assertThat(sweeperThreads()).isEqualTo(before);
    }

    static long sweeperThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("plinth-memory-sweeper") && t.isAlive())
                .count();
    }
}
