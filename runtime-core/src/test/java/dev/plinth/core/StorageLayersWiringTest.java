package dev.plinth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.ConfigurationException;
import dev.plinth.core.config.PlinthConfig;
import dev.plinth.core.testing.FakeProvider;
import dev.plinth.core.testing.RecordingPlugin;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The near cache is switched on by configuration alone, for all plugins or one, and plugins change nothing:
 * with it on, repeated reads of a missing key reach the provider once (negative caching); a bad cache value
 * fails startup before any plugin runs.
 */
class StorageLayersWiringTest {
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final FakeProvider provider = new FakeProvider();

    private PlinthRuntime runtime(PlinthConfig config, RecordingPlugin... plugins) {
        PlinthRuntime.Builder b =
                PlinthRuntime.builder().config(config).storageProvider(provider).discoverPlugins(false);
        for (RecordingPlugin p : plugins) {
            b.plugin(p);
        }
        return b.build();
    }

    private long backendGets(String namespace) {
        synchronized (provider.backendCalls) {
            return provider.backendCalls.stream()
                    .filter(c -> c.startsWith("get " + namespace + " "))
                    .count();
        }
    }

    @Test
    void configurationTurnsTheCacheOnForEveryPluginOrOne() {
        RecordingPlugin cached = new RecordingPlugin("cached", log);
        RecordingPlugin plain = new RecordingPlugin("plain", log);
        PlinthConfig config = PlinthConfig.builder()
                .set("plinth.storage.cache.enabled", "true")
                .set("plinth.plugins.plain.storage.cache.enabled", "false")
                .build();
        try (PlinthRuntime rt = runtime(config, cached, plain).start()) {
            for (int i = 0; i < 5; i++) {
                assertThat(cached.context.storage().get("missing")).isEmpty();
                assertThat(plain.context.storage().get("missing")).isEmpty();
            }
            assertThat(backendGets("cached"))
                    .as("remembered as absent after the first read")
                    .isEqualTo(1);
            assertThat(backendGets("plain")).as("this plugin opted out").isEqualTo(5);
        }
    }

    @Test
    void withoutConfigurationNothingIsCached() {
        RecordingPlugin p = new RecordingPlugin("p", log);
        try (PlinthRuntime rt = runtime(PlinthConfig.empty(), p).start()) {
            p.context.storage().get("missing");
            p.context.storage().get("missing");
            assertThat(backendGets("p")).isEqualTo(2);
        }
    }

    @Test
    void aBadCacheValueFailsStartupNamingTheKey() {
        RecordingPlugin p = new RecordingPlugin("p", log);
        PlinthConfig config = PlinthConfig.builder()
                .set("plinth.plugins.p.storage.cache.maxEntries", "0")
                .build();
        assertThatThrownBy(() -> runtime(config, p).start())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("plinth.plugins.p.storage.cache.maxEntries");
        assertThat(log).as("no plugin ran").isEmpty();
    }
}
