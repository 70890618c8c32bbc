package dev.plinth.provider.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.ConfigurationException;
import dev.plinth.api.storage.StorageException;
import dev.plinth.provider.redis.RedisStorageProvider;
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
                .map(ServiceLoader.Provider::get)
                .filter(p -> p.id().equals("redis"))
                .collect(Collectors.toList());
        assertThat(found).hasSize(1);
        assertThat(found.get(0)).isInstanceOf(RedisStorageProvider.class);
    }

    @Test
    void metadataIsCheapAndHonest() {
        Set<String> threadsBefore = threads();
        RedisStorageProvider p = new RedisStorageProvider();
        assertThat(p.description()).isNotBlank();
        assertThat(p.capabilities())
                .containsExactlyInAnyOrder(
                        Capability.SHARED_ACROSS_PROCESSES,
                        Capability.CROSS_PROCESS_EVENTS,
                        Capability.CROSS_PROCESS_LOCKS)
                .as("no persistence guarantee on a server we do not configure")
                .doesNotContain(Capability.DURABLE);
        assertThat(p.options()).contains(CommonOptions.MAX_KEYS, CommonOptions.SWEEP_INTERVAL);
        assertThat(p.options().stream().map(OptionSpec::name))
                .doesNotHaveDuplicates()
                .contains(
                        "uri",
                        "host",
                        "port",
                        "mode",
                        "sentinelMaster",
                        "sentinels",
                        "clusterNodes",
                        "username",
                        "password",
                        "database",
                        "ssl",
                        "connectTimeout",
                        "readTimeout",
                        "poolSize",
                        "keyPrefix");
        assertThat(RedisStorageProvider.PASSWORD.secret()).isTrue();
        assertThat(threads()).isEqualTo(threadsBefore);
    }

    @Test
    void settingsNeverShowThePassword() {
        ProviderConfig c = ProviderConfig.builder(new RedisStorageProvider())
                .set("password", "hunter2-x")
                .set("uri", "rediss://bob:other-secret@db.example:6380/3")
                .build();
        RedisSettings s = RedisSettings.from(c);
        assertThat(s.toString())
                .doesNotContain("hunter2-x")
                .doesNotContain("other-secret")
                .contains("db.example:6380")
                .contains("bob")
                .contains("tls")
                .contains("db 3");
        assertThat(s.endpoint()).isEqualTo("db.example:6380 db 3");
        assertThat(c.toString()).doesNotContain("hunter2-x");
        assertThat(s.hasPassword()).isTrue();
    }

    private static RedisSettings withUri(String uri) {
        return RedisSettings.from(ProviderConfig.builder(new RedisStorageProvider())
                .set("uri", uri)
                .build());
    }

    /** A secret each malformed uri below carries: no message may show it, or any piece of it. */
    private static final String PW = "Pw9zQ";

    @Test
    void eachMalformedUriSaysWhatIsWrongAndNeverShowsThePassword() {
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("redis://127.0.0.1:not" + PW, "port that is not a number");
        cases.put("redis://user:" + PW, "port that is not a number"); // the '@host' forgotten
        cases.put("redis://127.0.0.1:70000", "port that is not a number from 1 to 65535");
        cases.put("redis://127.0.0.1:", "no port");
        cases.put(
                "redis://app:p@" + PW + "@127.0.0.1:6379",
                "'@' in its user name or password that is not percent-encoded");
        cases.put(
                "redis://app:" + PW + "%zz@127.0.0.1",
                "'%' in its user name or password that is not followed by two hex");
        cases.put("redis://app:" + PW + "/x@127.0.0.1", "'/' is %2F");
        cases.put("redis://app:" + PW + " x@127.0.0.1", "a space, tab or control character");
        cases.put("redis://:" + PW + "@", "has no host");
        cases.put("redis://:" + PW + "@/0", "has no host");
        cases.put("redis://ho$t" + PW + ":6379", "host with a character a host name cannot have");
        cases.put("redis://127.0.0.1:6379/" + PW, "path that is not a database index");
        cases.put("redis://127.0.0.1:6379/-1", "path that is not a database index");
        cases.put("redis://127.0.0.1:6379?password=" + PW, "query or fragment");
        cases.put("redis://fe80::1:6379", "an IPv6 address goes in brackets");
        cases.put("redis://[::1:6379", "without its closing ']'");
        cases.put("http://" + PW + "@127.0.0.1:6379", "has the scheme 'http'");
        cases.put(PW + "@127.0.0.1:6379", "does not start with redis:// or rediss://");
        cases.put("redis:/" + PW + "@127.0.0.1", "does not start with redis:// or rediss://");
        cases.forEach((uri, problem) -> assertThatThrownBy(() -> withUri(uri))
                .as(uri)
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.key()).contains("plinth.storage.redis.uri");
                    assertThat(e.getMessage())
                            .contains("plinth.storage.redis.uri")
                            .contains(problem)
                            .doesNotContain(PW)
                            .doesNotContain("Pw9")
                            .doesNotContain("9zQ")
                            .doesNotContain(uri);
                    assertThat(e.getCause()).isNull();
                }));
    }

    @Test
    void wellFormedUrisParseWithTheirParts() {
        RedisSettings plain = withUri("redis://cache.example");
        assertThat(plain.endpoint()).isEqualTo("cache.example:6379");
        assertThat(plain.hasPassword()).isFalse();
        RedisSettings full = withUri("  rediss://app%40corp:p%40ss%2Bw%3Ard+x%25@10.1.2.3:6380/7  ");
        assertThat(full.endpoint()).isEqualTo("10.1.2.3:6380 db 7");
        assertThat(full.username).isEqualTo("app@corp");
        assertThat(full.ssl).isTrue();
        assertThat(full.password()).isEqualTo("p@ss+w:rd+x%");
        assertThat(withUri("redis://" + PW + "@h:1").password())
                .as("a lone secret is the password")
                .isEqualTo(PW);
        assertThat(withUri("redis://:" + PW + "@h:1").username).isNull();
        assertThat(withUri("redis://[::1]:7000/").endpoint()).isEqualTo("::1:7000");
        assertThat(withUri("REDIS://h_1.local/0").endpoint()).isEqualTo("h_1.local:6379");
        assertThat(withUri("redis://u:p%C3%A9@h").password()).isEqualTo("p\u00e9");
    }

    @Test
    void hostAndPortOverrideTheUriAndNodesParse() {
        RedisSettings s = RedisSettings.from(ProviderConfig.builder(new RedisStorageProvider())
                .set("host", "10.0.0.5")
                .set("port", "7000")
                .build());
        assertThat(s.endpoint()).isEqualTo("10.0.0.5:7000");
        RedisSettings cluster = RedisSettings.from(ProviderConfig.builder(new RedisStorageProvider())
                .set("mode", "cluster")
                .set("clusterNodes", "a:1, b:2")
                .build());
        assertThat(cluster.endpoint()).isEqualTo("cluster via a:1,b:2");
        RedisSettings sentinel = RedisSettings.from(ProviderConfig.builder(new RedisStorageProvider())
                .set("mode", "SENTINEL")
                .set("sentinelMaster", "main")
                .set("sentinels", "s1:26379")
                .build());
        assertThat(sentinel.endpoint()).isEqualTo("sentinel master 'main' via s1:26379");
    }

    @Test
    void theDefaultAddressIsTheLocalServer() {
        // Built without a uri, so the provider's own default is what is tested, not RedisServers' choice.
        ProviderConfig defaults = ProviderConfig.builder(new RedisStorageProvider())
                .set("keyPrefix", Backends.uniquePrefix())
                .set("connectTimeout", "500ms")
                .build();
        if (RedisServers.sharedPort() == 6379) {
            try (StorageBackend b = new RedisStorageProvider().open(defaults, Backends.context(ChangeListener.NONE))) {
                assertThat(b.toString()).contains("127.0.0.1:6379");
                assertThat(((RedisStorageBackend) b).lockEntries()).isZero();
            }
        } else {
            // No Redis on this machine: the default address is still the one named in the error.
            assertThatThrownBy(() -> new RedisStorageProvider().open(defaults, Backends.context(ChangeListener.NONE)))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("127.0.0.1:6379");
        }
    }

    private static Set<String> threads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith("plinth-redis-"))
                .collect(Collectors.toSet());
    }
}
