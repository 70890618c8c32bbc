package dev.plinth.provider.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.StorageException;
import dev.plinth.spi.storage.Capability;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.CommonOptions;
import dev.plinth.spi.storage.OptionSpec;
import dev.plinth.spi.storage.ProviderConfig;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.StorageProvider;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Registration, metadata, option parsing, and where the default options point. */
class RedisProviderTest {

    @Test
    void isFoundByServiceLoaderWithItsId() {
        List<StorageProvider> found = ServiceLoader.load(StorageProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.id().equals("redis")).collect(Collectors.toList());
        assertThat(found).hasSize(1);
        assertThat(found.get(0)).isInstanceOf(RedisStorageProvider.class);
    }

    @Test
    void metadataIsCheapAndHonest() {
        Set<String> threadsBefore = threads();
        RedisStorageProvider p = new RedisStorageProvider();
        assertThat(p.description()).isNotBlank();
        assertThat(p.capabilities()).containsExactlyInAnyOrder(Capability.SHARED_ACROSS_PROCESSES,
                Capability.CROSS_PROCESS_EVENTS, Capability.CROSS_PROCESS_LOCKS)
                .as("no persistence guarantee on a server we do not configure").doesNotContain(Capability.DURABLE);
        assertThat(p.options()).contains(CommonOptions.MAX_KEYS, CommonOptions.SWEEP_INTERVAL);
        assertThat(p.options().stream().map(OptionSpec::name)).doesNotHaveDuplicates().contains("uri", "host",
                "port", "mode", "sentinelMaster", "sentinels", "clusterNodes", "username", "password", "database",
                "ssl", "connectTimeout", "readTimeout", "poolSize", "keyPrefix");
        assertThat(RedisStorageProvider.PASSWORD.secret()).isTrue();
        assertThat(threads()).isEqualTo(threadsBefore);
    }

    @Test
    void settingsNeverShowThePassword() {
        ProviderConfig c = ProviderConfig.builder(new RedisStorageProvider()).set("password", "hunter2-x")
                .set("uri", "rediss://bob:other-secret@db.example:6380/3").build();
        RedisSettings s = RedisSettings.from(c);
        assertThat(s.toString()).doesNotContain("hunter2-x").doesNotContain("other-secret")
                .contains("db.example:6380").contains("bob").contains("tls").contains("db 3");
        assertThat(s.endpoint()).isEqualTo("db.example:6380 db 3");
        assertThat(c.toString()).doesNotContain("hunter2-x");
        assertThat(s.hasPassword()).isTrue();
    }

    @Test
    void hostAndPortOverrideTheUriAndNodesParse() {
        RedisSettings s = RedisSettings.from(ProviderConfig.builder(new RedisStorageProvider()).set("host", "10.0.0.5")
                .set("port", "7000").build());
        assertThat(s.endpoint()).isEqualTo("10.0.0.5:7000");
        RedisSettings cluster = RedisSettings.from(ProviderConfig.builder(new RedisStorageProvider())
                .set("mode", "cluster").set("clusterNodes", "a:1, b:2").build());
        assertThat(cluster.endpoint()).isEqualTo("cluster via a:1,b:2");
        RedisSettings sentinel = RedisSettings.from(ProviderConfig.builder(new RedisStorageProvider())
                .set("mode", "SENTINEL").set("sentinelMaster", "main").set("sentinels", "s1:26379").build());
        assertThat(sentinel.endpoint()).isEqualTo("sentinel master 'main' via s1:26379");
    }

    @Test
    void theDefaultAddressIsTheLocalServer() {
        // Built without a uri, so the provider's own default is what is tested, not RedisServers' choice.
        ProviderConfig defaults = ProviderConfig.builder(new RedisStorageProvider())
                .set("keyPrefix", Backends.uniquePrefix()).set("connectTimeout", "500ms").build();
        if (RedisServers.sharedPort() == 6379) {
            try (StorageBackend b = new RedisStorageProvider().open(defaults, ChangeListener.NONE)) {
                assertThat(b.toString()).contains("127.0.0.1:6379");
                assertThat(b.lockEntries()).isZero();
            }
        } else {
            // No Redis on this machine: the default address is still the one named in the error.
            assertThatThrownBy(() -> new RedisStorageProvider().open(defaults, ChangeListener.NONE))
                    .isInstanceOf(StorageException.class).hasMessageContaining("127.0.0.1:6379");
        }
    }

    private static Set<String> threads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("plinth-redis-")).collect(Collectors.toSet());
    }
}
