package dev.plinth.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.ConfigurationException;
import dev.plinth.api.storage.KeyValueStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PlinthConfigTest {
    @TempDir
    Path dir;

    private Path file(String text) throws Exception {
        Path f = dir.resolve("plinth.properties");
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return f;
    }

    @Test
    void fileThenEnvironmentThenSystemPropertiesLaterWins() throws Exception {
        Path f = file("plinth.storage.provider=from-file\nplinth.storage.lockLease=1s\nplinth.storage.maxValueBytes=5\n"
                + "plinth.runtime.shutdownTimeout=3s\n");
        Properties sys = new Properties();
        sys.setProperty("plinth.storage.provider", "from-sysprops");
        sys.setProperty("java.home", "/ignored");
        PlinthConfig config = PlinthConfig.builder()
                .file(f)
                .environment(Map.of(
                        "PLINTH_STORAGE_PROVIDER",
                        "from-env",
                        "PLINTH_STORAGE_LOCKLEASE",
                        "2s",
                        "PLINTH_STORAGE_MAXVALUEBYTES",
                        "6",
                        "HOME",
                        "/root"))
                .systemProperties(sys)
                .build();
        EffectiveConfig eff = config.resolve(ConfigKeys.FIXED_KEYS, List.of());
        assertThat(eff.get(ConfigKeys.STORAGE_PROVIDER)).contains("from-sysprops");
        assertThat(eff.origin(ConfigKeys.STORAGE_PROVIDER)).isEqualTo("system property plinth.storage.provider");
        assertThat(eff.get(ConfigKeys.STORAGE_LOCK_LEASE)).contains("2s");
        assertThat(eff.origin(ConfigKeys.STORAGE_LOCK_LEASE))
                .isEqualTo("environment variable PLINTH_STORAGE_LOCKLEASE");
        assertThat(eff.get(ConfigKeys.RUNTIME_SHUTDOWN_TIMEOUT)).contains("3s");
        assertThat(eff.origin(ConfigKeys.RUNTIME_SHUTDOWN_TIMEOUT)).isEqualTo("file " + f.toAbsolutePath());
        assertThat(eff.keys())
                .containsExactly(
                        "plinth.runtime.shutdownTimeout",
                        "plinth.storage.lockLease",
                        "plinth.storage.maxValueBytes",
                        "plinth.storage.provider");

        RuntimeSettings settings = RuntimeSettings.from(eff);
        assertThat(settings.storage().maxValueBytes()).isEqualTo(6);
        assertThat(settings.storage().lockLease()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.shutdownTimeout()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void programmaticSettingsWinOverEverything() {
        PlinthConfig config = PlinthConfig.builder()
                .environment(Map.of("PLINTH_STORAGE_PROVIDER", "env"))
                .systemProperties(Map.of("plinth.storage.provider", "sys"))
                .set("plinth.storage.provider", "code")
                .build();
        assertThat(config.resolve(ConfigKeys.FIXED_KEYS, List.of()).get(ConfigKeys.STORAGE_PROVIDER))
                .contains("code");
    }

    @Test
    void documentedEnvironmentSpellingsMapToTheDocumentedKeys() {
        // the examples in EnvironmentNames' javadoc
        assertThat(EnvironmentNames.of("plinth.storage.provider")).isEqualTo("PLINTH_STORAGE_PROVIDER");
        assertThat(EnvironmentNames.of("plinth.storage.sqlite.busyTimeout"))
                .isEqualTo("PLINTH_STORAGE_SQLITE_BUSYTIMEOUT");
        assertThat(EnvironmentNames.of("plinth.plugins.hello-world.enabled"))
                .isEqualTo("PLINTH_PLUGINS_HELLO__WORLD_ENABLED");
        assertThat(EnvironmentNames.toKey("PLINTH_PLUGINS_HELLO__WORLD_ENABLED"))
                .isEqualTo("plinth.plugins.hello-world.enabled");

        PlinthConfig config = PlinthConfig.builder()
                .environment(Map.of(
                        "PLINTH_STORAGE_SQLITE_BUSYTIMEOUT",
                        "5s",
                        "PLINTH_PLUGINS_HELLO__WORLD_ENABLED",
                        "false",
                        "PLINTH_PLUGINS_MY_PLUGIN_COLOR",
                        "red",
                        "PLINTH_PLUGINS_MY_PLUGIN_MAXITEMS",
                        "9",
                        "PLINTH_CONFIG",
                        "/not/a/key",
                        "PLINTH_HOME",
                        "/opt/plinth"))
                .build();
        EffectiveConfig eff = config.resolve(
                List.of("plinth.storage.sqlite.busyTimeout", "plinth.plugins.hello-world.enabled"),
                List.of("hello-world", "my_plugin", "my"));
        assertThat(eff.keys())
                .containsExactly(
                        "plinth.plugins.hello-world.enabled",
                        "plinth.plugins.my_plugin.color",
                        "plinth.plugins.my_plugin.maxitems",
                        "plinth.storage.sqlite.busyTimeout");
        SectionPluginConfig mine = new SectionPluginConfig(
                "my_plugin", eff.pluginSection("my_plugin", List.of("hello-world", "my_plugin", "my")));
        assertThat(mine.get("color")).contains("red");
        assertThat(mine.getInt("maxItems", 0)).isEqualTo(9);
        assertThat(eff.pluginSection("my", List.of("hello-world", "my_plugin", "my")))
                .isEmpty();
    }

    @Test
    void nestedPluginIdsEachGetTheirOwnSection() {
        EffectiveConfig eff = EffectiveConfig.of(Map.of("plinth.plugins.a.x", "1", "plinth.plugins.a.b.y", "2"));
        assertThat(eff.pluginSection("a", List.of("a", "a.b"))).containsExactly(Map.entry("x", "1"));
        assertThat(eff.pluginSection("a.b", List.of("a", "a.b"))).containsExactly(Map.entry("y", "2"));
    }

    @Test
    void unreadableFileNamesThePath() {
        Path missing = dir.resolve("nope.properties");
        assertThatThrownBy(() -> PlinthConfig.builder().file(missing))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("Cannot read configuration file " + missing.toAbsolutePath());
    }

    @Test
    void toStringsShowNoValues() throws Exception {
        PlinthConfig config = PlinthConfig.builder()
                .file(file("plinth.storage.fake.password=hunter2\n"))
                .environment(Map.of("PLINTH_STORAGE_FAKE_PASSWORD", "hunter3"))
                .set("plinth.storage.fake.password", "hunter4")
                .build();
        EffectiveConfig eff = config.resolve(List.of("plinth.storage.fake.password"), List.of());
        assertThat(config.toString()).doesNotContain("hunter");
        assertThat(eff.toString()).doesNotContain("hunter").contains("plinth.storage.fake.password");
        assertThat(new SectionPluginConfig("p", Map.of("token", "hunter5")).toString())
                .doesNotContain("hunter");
    }

    @Test
    void runtimeSettingsDefaults() {
        RuntimeSettings s = RuntimeSettings.from(EffectiveConfig.of(Map.of()));
        assertThat(s).isEqualTo(RuntimeSettings.defaults());
        assertThat(s.shutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.startTimeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void startTimeoutIsReadFromEverySourceIncludingItsEnvironmentName() {
        assertThat(EnvironmentNames.of(ConfigKeys.RUNTIME_START_TIMEOUT)).isEqualTo("PLINTH_RUNTIME_STARTTIMEOUT");
        EffectiveConfig eff = PlinthConfig.builder()
                .environment(Map.of("PLINTH_RUNTIME_STARTTIMEOUT", "250ms"))
                .build()
                .resolve(ConfigKeys.FIXED_KEYS, List.of());
        assertThat(eff.origin(ConfigKeys.RUNTIME_START_TIMEOUT))
                .isEqualTo("environment variable PLINTH_RUNTIME_STARTTIMEOUT");
        RuntimeSettings s = RuntimeSettings.from(eff);
        assertThat(s.startTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(s.shutdownTimeout()).isEqualTo(RuntimeSettings.DEFAULT_SHUTDOWN_TIMEOUT);
    }

    @Test
    void startTimeoutMustBeAPositiveDurationWithAUnit() {
        String k = "plinth.runtime.startTimeout";
        ConfigurationException zero = org.assertj.core.api.Assertions.catchThrowableOfType(
                ConfigurationException.class, () -> RuntimeSettings.from(EffectiveConfig.of(Map.of(k, "0s"))));
        assertThat(zero)
                .hasMessage("Invalid value for plinth.runtime.startTimeout (from programmatic setting "
                        + "plinth.runtime.startTimeout): must be positive, was '0s'");
        assertThat(zero.key()).contains(k);
        ConfigurationException negative = org.assertj.core.api.Assertions.catchThrowableOfType(
                ConfigurationException.class, () -> RuntimeSettings.from(EffectiveConfig.of(Map.of(k, "PT-5S"))));
        assertThat(negative)
                .hasMessage("Invalid value for plinth.runtime.startTimeout (from programmatic setting "
                        + "plinth.runtime.startTimeout): must not be negative, was 'PT-5S'");
        assertThat(negative.key()).contains(k);
        assertThatThrownBy(() -> RuntimeSettings.from(EffectiveConfig.of(Map.of(k, "60"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage(
                        "Invalid value for plinth.runtime.startTimeout (from programmatic setting "
                                + "plinth.runtime.startTimeout): must be a duration such as 250ms, 30s, 5m, 1h or PT30S, was '60'");
        assertThatThrownBy(() ->
                        new RuntimeSettings(RuntimeSettings.defaults().storage(), Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("startTimeout must be positive, was PT0S");
    }

    @Test
    void badRuntimeValuesNameTheKeyAndOrigin() {
        assertThatThrownBy(
                        () -> RuntimeSettings.from(EffectiveConfig.of(Map.of("plinth.storage.maxValueBytes", "big"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("Invalid value for plinth.storage.maxValueBytes (from programmatic setting "
                        + "plinth.storage.maxValueBytes): must be a whole number, was 'big'");
        assertThatThrownBy(() -> RuntimeSettings.from(EffectiveConfig.of(Map.of("plinth.storage.maxValueBytes", "0"))))
                .hasMessage("Invalid value for plinth.storage.maxValueBytes (from programmatic setting "
                        + "plinth.storage.maxValueBytes): maxValueBytes must be at least 1, was 0");
        assertThatThrownBy(() -> RuntimeSettings.from(EffectiveConfig.of(Map.of("plinth.storage.lockLease", "30"))))
                .hasMessage(
                        "Invalid value for plinth.storage.lockLease (from programmatic setting "
                                + "plinth.storage.lockLease): must be a duration such as 250ms, 30s, 5m, 1h or PT30S, was '30'");
        assertThatThrownBy(() -> RuntimeSettings.from(
                        EffectiveConfig.of(Map.of("plinth.storage.watchBufferSize", "99999999999"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("Invalid value for plinth.storage.watchBufferSize");
        assertThatThrownBy(
                        () -> RuntimeSettings.from(EffectiveConfig.of(Map.of("plinth.runtime.shutdownTimeout", "0s"))))
                .hasMessage("Invalid value for plinth.runtime.shutdownTimeout (from programmatic setting "
                        + "plinth.runtime.shutdownTimeout): must be positive, was '0s'");
        ConfigurationException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                ConfigurationException.class,
                () -> RuntimeSettings.from(EffectiveConfig.of(Map.of("plinth.storage.lockLease", "5ms"))));
        assertThat(e.key()).contains("plinth.storage.lockLease");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"plinth.runtime.startTimeout", "plinth.runtime.shutdownTimeout", "plinth.storage.lockLease"})
    void durationsOverTheMaximumFailAtStartupNamingTheKey(String key) {
        for (String tooLong : List.of("999999d", "36501d", "P100000D", "100000000000000d")) {
            ConfigurationException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                    ConfigurationException.class, () -> RuntimeSettings.from(EffectiveConfig.of(Map.of(key, tooLong))));
            assertThat(e)
                    .as(tooLong)
                    .isNotNull()
                    .hasMessageStartingWith("Invalid value for " + key)
                    .hasMessageContaining("at most 36500d");
            assertThat(e.key()).contains(key);
        }
        assertThatCode(() -> RuntimeSettings.from(EffectiveConfig.of(Map.of(key, "36500d"))))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> new RuntimeSettings(
                        StorageSettings.defaults(), KeyValueStore.MAX_DURATION.plusMillis(1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MAX_DURATION");
    }

    @Test
    void levenshteinDistances() {
        assertThat(Levenshtein.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(Levenshtein.distance("", "abc")).isEqualTo(3);
        assertThat(Levenshtein.nearest("pth", List.of("path", "maxSize", "password")))
                .contains("path");
        assertThat(Levenshtein.nearest("zzzzzzzz", List.of("path", "maxSize"))).isEmpty();
    }
}
