package dev.plinth.core.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.plinth.api.ConfigurationException;
import dev.plinth.api.storage.StorageOpenException;
import dev.plinth.core.PlinthRuntime;
import dev.plinth.core.config.PlinthConfig;
import dev.plinth.core.testing.TestJars;
import dev.plinth.core.testing.TestProviders;
import dev.plinth.spi.storage.StorageProvider;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProviderSelectionTest {
    @TempDir
    Path dir;

    private Path alphaJar;
    private Path betaJar;

    @BeforeEach
    void jars() {
        TestProviders.OPENS.clear();
        alphaJar = providerJar("alpha.jar", TestProviders.Alpha.class);
        betaJar = providerJar("beta.jar", TestProviders.Beta.class);
    }

    private Path providerJar(String name, Class<?> type) {
        return TestJars.jar().service(StorageProvider.class, type).classes(type).writeTo(dir.resolve(name));
    }

    private static URLClassLoader loader(Path... jars) {
        return TestJars.loader(
                Set.of(
                        TestProviders.Alpha.class,
                        TestProviders.AlphaTwin.class,
                        TestProviders.Beta.class,
                        TestProviders.Failing.class,
                        TestProviders.Broken.class,
                        TestProviders.OldSpi.class),
                jars);
    }

    private static PlinthRuntime runtime(ClassLoader loader, String providerId) {
        PlinthConfig.Builder config = PlinthConfig.builder();
        if (providerId != null) {
            config.set("plinth.storage.provider", providerId);
        }
        return PlinthRuntime.builder()
                .config(config.build())
                .classLoader(loader)
                .build();
    }

    @Test
    void describesEachProviderWithItsJarWithoutOpeningAny() {
        ProviderDiscovery.Result r = ProviderDiscovery.discover(loader(betaJar, alphaJar));
        assertThat(r.problems()).isEmpty();
        assertThat(r.candidates())
                .extracting(ProviderCandidate::label)
                .containsExactly("alpha (" + alphaJar + ")", "beta (" + betaJar + ")");
        assertThat(r.candidates().get(0).description()).isEqualTo("fake storage for tests (alpha)");
        assertThat(r.candidates().get(0).optionNames()).containsExactly("path", "maxSize", "password");
        assertThat(TestProviders.OPENS).isEmpty();
    }

    @Test
    void configuredIdWinsAndOnlyThatProviderIsOpened() {
        PlinthRuntime rt = runtime(loader(alphaJar, betaJar), "beta").start();
        assertThat(rt.storageProviderId()).contains("beta");
        assertThat(TestProviders.opens("beta")).isEqualTo(1);
        assertThat(TestProviders.opens("alpha")).isZero();
        rt.close();
    }

    @Test
    void theOnlyProviderIsUsedWhenNoneIsConfigured() {
        PlinthRuntime rt = runtime(loader(alphaJar), null).start();
        assertThat(rt.storageProviderId()).contains("alpha");
        rt.close();
    }

    @Test
    void severalProvidersAndNoneConfiguredIsAnErrorListingThemAll() {
        ConfigurationException e =
                catchThrowableOfType(ConfigurationException.class, runtime(loader(alphaJar, betaJar), null)::start);
        assertThat(e)
                .hasMessage("Several storage providers found and plinth.storage.provider is not set. "
                        + "Available providers: alpha (" + alphaJar + "), beta (" + betaJar + "). "
                        + "Set plinth.storage.provider=<id> to choose one.");
        assertThat(e.key()).contains("plinth.storage.provider");
        assertThat(TestProviders.OPENS).isEmpty();
    }

    @Test
    void configuredButAbsentListsWhatIsAvailableAndNeverFallsBack() {
        assertThatThrownBy(runtime(loader(alphaJar, betaJar), "sqlite")::start)
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("Storage provider 'sqlite' (plinth.storage.provider, from programmatic setting "
                        + "plinth.storage.provider) is not on the class path. Available providers: alpha (" + alphaJar
                        + "), beta (" + betaJar + ").");
        assertThat(TestProviders.OPENS).isEmpty();
    }

    @Test
    void noProviderAtAllAsksForAProviderJar() {
        assertThatThrownBy(runtime(loader(), null)::start)
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("No storage provider found on the class path: add a provider jar (for example "
                        + "plinth-provider-memory or plinth-provider-sqlite).");
        assertThatThrownBy(runtime(loader(), "alpha")::start)
                .hasMessage("Storage provider 'alpha' (plinth.storage.provider, from programmatic setting "
                        + "plinth.storage.provider) is not on the class path. Available providers: none; add a "
                        + "provider jar.");
    }

    @Test
    void configuredProviderThatFailsToOpenIsAStartupErrorWithoutFallback() {
        Path failingJar = providerJar("failing.jar", TestProviders.Failing.class);
        StorageOpenException e = catchThrowableOfType(
                StorageOpenException.class, runtime(loader(alphaJar, failingJar), "failing")::start);
        assertThat(e)
                .hasMessage("Storage provider 'failing' could not open: unexpected java.lang.IllegalStateException:"
                        + " cannot reach db.example:5432");
        assertThat(e.provider()).isEqualTo("failing");
        assertThat(e.isRetryable()).isFalse();
        assertThat(e.getCause()).isInstanceOf(IllegalStateException.class);
        assertThat(TestProviders.opens("alpha")).isZero();
    }

    @Test
    void aMisspelledProviderKeyIsNamedWithItsNearestKeyRatherThanReportedAsUnset() {
        PlinthRuntime rt = PlinthRuntime.builder()
                .config(PlinthConfig.builder()
                        .set("plinth.storage.providr", "alpha")
                        .build())
                .classLoader(loader(alphaJar, betaJar))
                .build();
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class, rt::start);
        assertThat(e)
                .hasMessage("Unknown configuration key 'plinth.storage.providr' (from programmatic setting "
                        + "plinth.storage.providr). Did you mean 'plinth.storage.provider'?");
        assertThat(e.key()).contains("plinth.storage.providr");
        assertThat(TestProviders.OPENS).isEmpty();
    }

    @Test
    void aProviderBuiltForAnotherSpiVersionIsRefusedAtDiscoveryNamingItsJar() {
        Path oldJar = providerJar("old-provider.jar", TestProviders.OldSpi.class);
        ProviderDiscovery.Result r = ProviderDiscovery.discover(loader(alphaJar, oldJar));
        assertThat(r.candidates()).extracting(ProviderCandidate::id).containsExactly("alpha");
        assertThat(r.problems())
                .singleElement()
                .asString()
                .contains(
                        "Storage provider 'old'",
                        TestProviders.OldSpi.class.getName(),
                        oldJar.toString(),
                        "built for Plinth storage SPI version 1",
                        "this runtime speaks version 2");
        ConfigurationException e =
                catchThrowableOfType(ConfigurationException.class, runtime(loader(alphaJar, oldJar), "old")::start);
        assertThat(e).hasMessageContaining("'old'").hasMessageContaining("SPI version 1");
        assertThat(TestProviders.OPENS).isEmpty();
    }

    @Test
    void twoJarsOfferingTheSameIdAreAnError() {
        Path twinJar = providerJar("alpha-twin.jar", TestProviders.AlphaTwin.class);
        assertThatThrownBy(runtime(loader(alphaJar, twinJar), "alpha")::start)
                .hasMessage("Storage provider id 'alpha' is offered by more than one jar: " + twinJar + ", " + alphaJar
                        + ". Remove all but one of them.");
    }

    @Test
    void aBrokenProviderMakesAnUnconfiguredChoiceAGuessButDoesNotBlockAConfiguredOne() {
        Path brokenJar = providerJar("broken.jar", TestProviders.Broken.class);
        ConfigurationException e =
                catchThrowableOfType(ConfigurationException.class, runtime(loader(alphaJar, brokenJar), null)::start);
        assertThat(e.getMessage())
                .startsWith("One storage provider loaded but others failed, so choosing it would be "
                        + "a guess. Available providers: alpha (" + alphaJar + "). Failed to load: Storage provider "
                        + TestProviders.Broken.class.getName() + " (" + brokenJar
                        + ") could not be instantiated or described: ")
                .contains("broken on purpose")
                .endsWith("Set plinth.storage.provider=<id> to choose one.");

        PlinthRuntime rt = runtime(loader(alphaJar, brokenJar), "alpha").start();
        assertThat(rt.storageProviderId()).contains("alpha");
        rt.close();
    }

    @Test
    void providerJarBundlingItsOwnApiCopyIsDetectedAndExplained() {
        Path shaded = TestJars.jar()
                .service(StorageProvider.class, TestProviders.Standalone.class)
                .classes(TestProviders.Standalone.class, StorageProvider.class)
                .writeTo(dir.resolve("shaded.jar"));
        URLClassLoader loader = TestJars.loader(Set.of(TestProviders.Standalone.class, StorageProvider.class), shaded);
        ProviderDiscovery.Result r = ProviderDiscovery.discover(loader);
        assertThat(r.candidates()).isEmpty();
        assertThat(r.problems())
                .singleElement()
                .asString()
                .startsWith("A storage provider could not be loaded: ")
                .contains(TestProviders.Standalone.class.getName() + " not a subtype")
                .endsWith(shaded + " contains its own copy of the Plinth API (dev.plinth.spi.storage.StorageProvider) "
                        + "while the runtime uses the one from " + CodeSources.location(StorageProvider.class)
                        + ": a plugin or provider jar must not bundle runtime-api; depend on "
                        + "dev.plinth:plinth-runtime-api without shading it.");
        assertThatThrownBy(runtime(loader, null)::start)
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("No storage provider found on the class path: add a provider jar")
                .hasMessageContaining(shaded + " contains its own copy of the Plinth API");
        assertThat(BundledApiDetector.copiesOf(loader, StorageProvider.class)).containsExactly(shaded.toString());
        assertThat(BundledApiDetector.copiesOf(getClass().getClassLoader(), StorageProvider.class))
                .isEmpty();
    }

    @Test
    void explicitProviderMustAgreeWithTheConfiguredId() {
        PlinthRuntime rt = PlinthRuntime.builder()
                .storageProvider(new TestProviders.Beta())
                .config(PlinthConfig.builder()
                        .set("plinth.storage.provider", "alpha")
                        .build())
                .build();
        assertThatThrownBy(rt::start)
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("plinth.storage.provider is 'alpha' (from programmatic setting plinth.storage.provider) "
                        + "but the host supplied storage provider 'beta' explicitly.");
    }

    @Test
    void selectorWithNothingConfiguredAndOneCandidatePicksIt() {
        ProviderDiscovery.Result r = ProviderDiscovery.discover(loader(alphaJar));
        assertThat(ProviderSelector.select(Optional.empty(), "default", r).id()).isEqualTo("alpha");
    }
}
