package dev.plinth.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.ConfigurationException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading the near cache and codec keys, runtime-wide and per plugin, and the errors for bad values. */
class StorageLayersTest {
    private static final List<String> PLUGINS = List.of("notes", "sessions", "flags");
    private static final String KEY_A = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String KEY_B = Base64.getEncoder().encodeToString(new byte[16]);

    private static StorageLayers from(Map<String, String> values) {
        return StorageLayers.from(EffectiveConfig.of(values), PLUGINS);
    }

    @Test
    void nothingConfiguredMeansNoCacheAndNoCodec() {
        StorageLayers layers = from(Map.of());
        assertThat(layers.anyCache()).isFalse();
        assertThat(layers.anyCodec()).isFalse();
        assertThat(layers).isEqualTo(StorageLayers.none());
    }

    @Test
    void runtimeWideCacheKeys() {
        StorageLayers layers = from(Map.of(
                "plinth.storage.cache.enabled", "true",
                "plinth.storage.cache.maxEntries", "500",
                "plinth.storage.cache.ttl", "30s",
                "plinth.storage.cache.negative", "false"));
        assertThat(layers.cacheFor("notes")).isEqualTo(new CacheSettings(true, 500, 0, Duration.ofSeconds(30), false));
        assertThat(layers.pluginCache()).isEmpty();
    }

    @Test
    void aPluginOverridesSomeOptionsAndInheritsTheRest() {
        StorageLayers layers = from(Map.of(
                "plinth.storage.cache.enabled", "true",
                "plinth.storage.cache.ttl", "30s",
                "plinth.plugins.sessions.storage.cache.maxBytes", "1000000",
                "plinth.plugins.flags.storage.cache.enabled", "false"));
        assertThat(layers.cacheFor("notes"))
                .isEqualTo(CacheSettings.enabledDefaults().withTtl(Duration.ofSeconds(30)));
        assertThat(layers.cacheFor("sessions"))
                .isEqualTo(new CacheSettings(
                        true, CacheSettings.DEFAULT_MAX_ENTRIES, 1_000_000, Duration.ofSeconds(30), true));
        assertThat(layers.cacheFor("flags").enabled()).isFalse();
    }

    @Test
    void aPluginInstalledAfterStartupFindsItsOwnSettingsInForce() {
        StorageLayers layers = from(Map.of(
                "plinth.storage.cache.enabled", "false",
                "plinth.plugins.later.storage.cache.enabled", "true",
                "plinth.plugins.later.storage.cache.maxEntries", "42",
                "plinth.plugins.org.acme.late.storage.codec.compression", "lz4",
                "plinth.plugins.later.greeting", "hello"));

        assertThat(layers.anyCache())
                .as("a cache only the later plugin turns on is set up at open")
                .isTrue();
        assertThat(layers.cacheFor("later"))
                .isEqualTo(CacheSettings.enabledDefaults().withMaxEntries(42));
        assertThat(layers.codecFor("org.acme.late").compression())
                .isNotEqualTo(CodecSettings.none().compression());
        assertThat(layers.cacheFor("notes").enabled()).isFalse();
    }

    @Test
    void aBadOptionOfAPluginNotYetPresentStillFailsAtStartupNamingItsKey() {
        assertThatThrownBy(() -> from(Map.of("plinth.plugins.later.storage.cache.maxEntrys", "42")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("plinth.plugins.later.storage.cache.maxEntrys");
    }

    @Test
    void aPluginMayTurnTheCacheOnAlone() {
        StorageLayers layers = from(Map.of("plinth.plugins.notes.storage.cache.enabled", "true"));
        assertThat(layers.anyCache()).isTrue();
        assertThat(layers.cacheFor("notes").enabled()).isTrue();
        assertThat(layers.cacheFor("flags").enabled()).isFalse();
    }

    @Test
    void bothBoundsAtOneLevelAreRejected() {
        assertThatThrownBy(() ->
                        from(Map.of("plinth.storage.cache.maxEntries", "10", "plinth.storage.cache.maxBytes", "10")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("set either plinth.storage.cache.maxEntries or plinth.storage.cache.maxBytes");
        assertThat(from(Map.of(
                                "plinth.storage.cache.maxEntries", "10",
                                "plinth.plugins.notes.storage.cache.maxBytes", "10"))
                        .cacheFor("notes")
                        .maxBytes())
                .as("a plugin's bound replaces the runtime-wide one")
                .isEqualTo(10);
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> from(Map.of("plinth.storage.cache.maxEntries", "lots")))
                .isInstanceOf(ConfigurationException.class)
                .satisfies(e ->
                        assertThat(((ConfigurationException) e).key()).hasValue("plinth.storage.cache.maxEntries"));
        assertThatThrownBy(() -> from(Map.of("plinth.plugins.notes.storage.cache.ttl", "0s")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("plinth.plugins.notes.storage.cache.ttl");
        assertThatThrownBy(() -> from(Map.of("plinth.plugins.notes.storage.cache.enabeld", "true")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("Unknown configuration key 'plinth.plugins.notes.storage.cache.enabeld'");
        assertThatThrownBy(() -> from(Map.of("plinth.storage.codec.compression", "gzip")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("none, lz4");
    }

    @Test
    void aPluginsOwnStorageOptionsOutsideTheRuntimesSubsectionsAreLeftAlone() {
        assertThat(from(Map.of("plinth.plugins.notes.storage.path", "/x")).anyCache())
                .isFalse();
    }

    @Test
    void encryptionKeysWithIdsAndTheActiveOne() {
        StorageLayers layers = from(Map.of(
                "plinth.storage.codec.compression", "lz4",
                "plinth.storage.codec.encryptionKeys", "old=" + KEY_B + ", new=" + KEY_A,
                "plinth.storage.codec.encryptionKeyId", "new"));
        CodecSettings c = layers.codecFor("notes");
        assertThat(c.compression()).isEqualTo(CodecSettings.Compression.LZ4);
        assertThat(c.keys()).containsOnlyKeys("old", "new");
        assertThat(c.activeKeyId()).isEqualTo("new");
        assertThat(c.toString()).doesNotContain(KEY_A).doesNotContain(KEY_B);
        assertThat(layers.toString()).doesNotContain(KEY_A);
        assertThat(from(Map.of("plinth.storage.codec.encryptionKeys", "only=" + KEY_A))
                        .codec()
                        .activeKeyId())
                .isEqualTo("only");
    }

    @Test
    void badKeysAreNamedWithoutShowingThem() {
        String notBase64 = "s3cr3t!!";
        assertThatThrownBy(() -> from(Map.of("plinth.storage.codec.encryptionKeys", "k1=" + notBase64)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("key of id 'k1' is not valid Base64")
                .hasMessageNotContaining(notBase64);
        String short8 = Base64.getEncoder().encodeToString(new byte[8]);
        assertThatThrownBy(() -> from(Map.of("plinth.storage.codec.encryptionKeys", "k1=" + short8)))
                .hasMessageContaining("16, 24 or 32 bytes")
                .hasMessageNotContaining(short8);
        assertThatThrownBy(() -> from(Map.of("plinth.storage.codec.encryptionKeys", "a=" + KEY_A + ",b=" + KEY_B)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("encryptionKeyId");
        assertThatThrownBy(() -> from(Map.of(
                        "plinth.storage.codec.encryptionKeys",
                        "a=" + KEY_A,
                        "plinth.storage.codec.encryptionKeyId",
                        "b")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'b' is not among the keys [a]");
    }

    @Test
    void aPluginHasItsOwnCodec() {
        StorageLayers layers = from(Map.of("plinth.plugins.sessions.storage.codec.encryptionKeys", "s=" + KEY_A));
        assertThat(layers.codecFor("sessions").activeKeyId()).isEqualTo("s");
        assertThat(layers.codecFor("notes").isIdentity()).isTrue();
        assertThat(layers.anyCodec()).isTrue();
    }
}
