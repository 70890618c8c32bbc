package dev.plinth.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.plinth.api.ConfigurationException;
import dev.plinth.core.testing.FakeProvider;
import dev.plinth.spi.storage.ProviderConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigValidatorTest {
    private static final List<String> FAKE_OPTIONS = List.of("path", "maxSize", "password");

    private static void validate(Map<String, String> values) {
        ConfigValidator.validate(
                EffectiveConfig.of(values), "fake", FAKE_OPTIONS, Map.of("other", List.of("host")), List.of("web"));
    }

    @Test
    void knownKeysPluginSectionsAndOtherProvidersSectionsPass() {
        assertThatCode(() -> validate(Map.of(
                        "plinth.storage.provider",
                        "fake",
                        "plinth.storage.fake.path",
                        "/d",
                        "plinth.storage.other.host",
                        "x",
                        "plinth.plugins.web.anything",
                        "1",
                        "plinth.plugins.gone.enabled",
                        "false",
                        "plinth.runtime.shutdownTimeout",
                        "1s",
                        "plinth.runtime.startTimeout",
                        "1s")))
                .doesNotThrowAnyException();
    }

    @Test
    void typoInAFixedKeySuggestsTheNearest() {
        ConfigurationException e = catchThrowableOfType(
                ConfigurationException.class, () -> validate(Map.of("plinth.storage.provder", "x")));
        assertThat(e)
                .hasMessage("Unknown configuration key 'plinth.storage.provder' (from programmatic setting "
                        + "plinth.storage.provder). Did you mean 'plinth.storage.provider'?");
        assertThat(e.key()).contains("plinth.storage.provder");
        assertThatThrownBy(() -> validate(Map.of("plinth.runtime.shutdownTimout", "1s")))
                .hasMessageEndingWith("Did you mean 'plinth.runtime.shutdownTimeout'?");
        assertThatThrownBy(() -> validate(Map.of("plinth.runtime.startTimout", "1s")))
                .hasMessageEndingWith("Did you mean 'plinth.runtime.startTimeout'?");
    }

    @Test
    void misspelledPluginsSectionSuggestsTheSameKeyUnderPlugins() {
        assertThatThrownBy(() -> validate(Map.of("plinth.plugin.web.port", "80")))
                .hasMessage("Unknown configuration key 'plinth.plugin.web.port' (from programmatic setting "
                        + "plinth.plugin.web.port). Did you mean 'plinth.plugins.web.port'?");
    }

    @Test
    void typoInAProviderOptionSuggestsTheOptionAndListsThem() {
        assertThatThrownBy(() -> validate(Map.of("plinth.storage.fake.pth", "/d")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("Unknown configuration key 'plinth.storage.fake.pth' (from programmatic setting "
                        + "plinth.storage.fake.pth): storage provider 'fake' has no option 'pth'. Did you mean "
                        + "'plinth.storage.fake.path'? Its options: path, maxSize, password");
    }

    @Test
    void typoInTheSectionOfAnUnselectedProviderFailsToo() {
        assertThatThrownBy(() -> validate(Map.of("plinth.storage.other.hots", "x")))
                .hasMessage("Unknown configuration key 'plinth.storage.other.hots' (from programmatic setting "
                        + "plinth.storage.other.hots): storage provider 'other' has no option 'hots'. Did you mean "
                        + "'plinth.storage.other.host'? Its options: host");
    }

    @Test
    void farOffKeyListsTheKnownKeys() {
        assertThatThrownBy(() -> validate(Map.of("plinth.completely.different.thing", "1")))
                .hasMessage("Unknown configuration key 'plinth.completely.different.thing' (from programmatic "
                        + "setting plinth.completely.different.thing). Known keys: plinth.storage.provider, "
                        + "plinth.storage.maxValueBytes, plinth.storage.watchBufferSize, plinth.storage.lockLease, "
                        + "plinth.storage.cache.enabled, plinth.storage.cache.maxEntries, plinth.storage.cache.maxBytes, "
                        + "plinth.storage.cache.ttl, plinth.storage.cache.negative, plinth.storage.codec.compression, "
                        + "plinth.storage.codec.compressionThreshold, plinth.storage.codec.encryptionKeys, "
                        + "plinth.storage.codec.encryptionKeyId, "
                        + "plinth.runtime.startTimeout, plinth.runtime.shutdownTimeout, plinth.plugins.dir, plinth.plugins.watch, plinth.home, plinth.health.timeout, plinth.health.cacheTtl, plinth.storage.fake.path, plinth.storage.fake.maxSize, "
                        + "plinth.storage.fake.password, plinth.plugins.<pluginId>.<option>");
    }

    @Test
    void sectionOfAnUndiscoveredProviderIsUnknown() {
        assertThatThrownBy(() -> validate(Map.of("plinth.storage.fak.path", "1")))
                .hasMessage("Unknown configuration key 'plinth.storage.fak.path' (from programmatic setting "
                        + "plinth.storage.fak.path). Did you mean 'plinth.storage.fake.path'?");
    }

    @Test
    void fileKeyOutsidePlinthIsUnknownWithAHint() {
        assertThatThrownBy(() -> validate(Map.of("plnith.storage.provider", "x")))
                .hasMessage(
                        "Unknown configuration key 'plnith.storage.provider' (from programmatic setting "
                                + "plnith.storage.provider). Keys start with 'plinth.'. Did you mean 'plinth.storage.provider'?");
    }

    @Test
    void unknownKeyFromTheEnvironmentNamesTheVariable() {
        EffectiveConfig eff = PlinthConfig.builder()
                .environment(Map.of("PLINTH_STORAGE_PROVIDR", "x"))
                .build()
                .resolve(ConfigKeys.FIXED_KEYS, List.of());
        assertThatThrownBy(() -> ConfigValidator.validate(eff, "fake", FAKE_OPTIONS, Map.of(), List.of()))
                .hasMessage("Unknown configuration key 'plinth.storage.providr' (from environment variable "
                        + "PLINTH_STORAGE_PROVIDR). Did you mean 'plinth.storage.provider'?");
    }

    @Test
    void secretValuesNeverAppearInUnknownKeyErrors() {
        assertThatThrownBy(() -> validate(Map.of("plinth.storage.fake.passwrd", "hunter2")))
                .hasMessageContaining("Did you mean 'plinth.storage.fake.password'?")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void providerOptionsAreParsedWithTheirSpecsAndDefaultsFilled() {
        FakeProvider p = new FakeProvider();
        ProviderConfig pc = ProviderConfigFactory.create(
                p,
                p.options(),
                EffectiveConfig.of(
                        Map.of("plinth.storage.fake.maxSize", " 50 ", "plinth.storage.fake.password", " s3cret ")));
        assertThat(pc.get(FakeProvider.MAX_SIZE)).isEqualTo(50);
        assertThat(pc.get(FakeProvider.PATH)).isEqualTo("data");
        assertThat(pc.get(FakeProvider.PASSWORD)).isEqualTo(" s3cret ");
        assertThat(pc.toString()).doesNotContain("s3cret");
    }

    @Test
    void badProviderOptionValueNamesKeyAndProblem() {
        FakeProvider p = new FakeProvider();
        ConfigurationException e = catchThrowableOfType(
                ConfigurationException.class,
                () -> ProviderConfigFactory.create(
                        p, p.options(), EffectiveConfig.of(Map.of("plinth.storage.fake.maxSize", "500"))));
        assertThat(e)
                .hasMessage("Invalid value for plinth.storage.fake.maxSize (from programmatic setting "
                        + "plinth.storage.fake.maxSize): must be between 1 and 100, was 500");
        assertThat(e.key()).contains("plinth.storage.fake.maxSize");
    }

    @Test
    void missingRequiredProviderOptionNamesTheKey() {
        FakeProvider p = new FakeProvider() {
            @Override
            public List<dev.plinth.spi.storage.OptionSpec<?>> options() {
                return List.of(PASSWORD.asRequired(), PATH);
            }
        };
        assertThatThrownBy(() -> ProviderConfigFactory.create(p, p.options(), EffectiveConfig.of(Map.of())))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("Missing required configuration key plinth.storage.fake.password (storage provider "
                        + "'fake'): the password");
    }

    @Test
    void invalidPathValueNamesTheKey() {
        dev.plinth.spi.storage.OptionSpec<Path> secretish =
                dev.plinth.spi.storage.OptionSpec.path("keyFile", null, "key file");
        FakeProvider p = new FakeProvider() {
            @Override
            public List<dev.plinth.spi.storage.OptionSpec<?>> options() {
                return List.of(PASSWORD, secretish);
            }
        };
        ConfigurationException e = catchThrowableOfType(
                ConfigurationException.class,
                () -> ProviderConfigFactory.create(
                        p, p.options(), EffectiveConfig.of(Map.of("plinth.storage.fake.keyFile", "   "))));
        assertThat(e).hasMessageContaining("plinth.storage.fake.keyFile").hasMessageContaining("must not be blank");
    }

    @Test
    void startupErrorsNeverContainTheSecretValue() {
        PlinthConfig config = PlinthConfig.builder()
                .environment(Map.of("PLINTH_STORAGE_FAKE_PASSWORD", "hunter2", "PLINTH_STORAGE_FAKE_MAXSIZE", "0"))
                .build();
        FakeProvider p = new FakeProvider();
        ConfigurationException e = catchThrowableOfType(
                ConfigurationException.class,
                () -> dev.plinth.core.PlinthRuntime.builder()
                        .config(config)
                        .storageProvider(p)
                        .discoverPlugins(false)
                        .build()
                        .start());
        assertThat(e)
                .hasMessage("Invalid value for plinth.storage.fake.maxSize (from environment variable "
                        + "PLINTH_STORAGE_FAKE_MAXSIZE): must be between 1 and 100, was 0");
        Throwable t = e;
        while (t != null) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain("hunter2");
            t = t.getCause();
        }
        assertThat(p.opens).hasValue(0);
    }
}
