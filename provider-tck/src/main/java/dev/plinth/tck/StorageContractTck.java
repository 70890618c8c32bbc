package dev.plinth.tck;

import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.core.config.StorageLayers;
import dev.plinth.core.config.StorageSettings;
import dev.plinth.core.storage.StorageEngine;
import dev.plinth.spi.storage.Capability;
import dev.plinth.spi.storage.CommonOptions;
import dev.plinth.spi.storage.ProviderConfig;
import dev.plinth.spi.storage.StorageProvider;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;

/**
 * The storage contract of {@link KeyValueStore} as JUnit 5 tests, run against a provider through
 * runtime-core's {@link StorageEngine}, the way plugins meet it. A provider's test suite extends this class
 * and supplies {@link #provider()} and {@link #freshOptions()}; every concern is a {@link Nested} inner
 * class, which JUnit discovers and runs through the concrete subclass.
 *
 * <p>Each test opens its engines with {@link #openEngine} (or lazily through {@link #store()}), on one data
 * set from {@link #freshOptions()}; every engine is closed after the test. Each test names the javadoc
 * clause it checks in its display name ({@code KeyValueStore#Expiry: ...}). Tests of a {@link Capability}
 * are generated only when the provider declares it, so no test is ever skipped. The TCK makes no timed assertions:
 * asynchronous outcomes (expiry, events) are polled for with a generous deadline.
 */
// "try": try-with-resources keeps subscriptions and locks scoped to the block that needs them. "exports": the
// fixture hands subclasses the runtime's StorageEngine, which runtime-core exports to this module only;
// provider test suites run on the class path, where that does not matter.
@SuppressWarnings({"try", "exports"})
public abstract class StorageContractTck {
    /** The plugin id of the store most tests use. */
    protected static final String PLUGIN = "plugin-a";
    /** A TTL long enough never to pass during a test. */
    protected static final Duration LONG_TTL = Duration.ofHours(1);
    /** A TTL short enough to wait for. Tests never assume such a key is still present. */
    protected static final Duration SHORT_TTL = Duration.ofMillis(150);

    private final List<StorageEngine> engines = new ArrayList<>();
    private StorageProvider provider;
    private Map<String, String> options;
    private StorageEngine engine;

    /**
     * @return the provider under test (a new instance is fine)
     */
    protected abstract StorageProvider provider();

    /**
     * @return raw option values (names without the {@code plinth.storage.<id>.} prefix) for a fresh, empty
     *     data set unique to this call: a new temp file or directory, a unique Redis key prefix. Called once
     *     per test; the TCK may open a second engine with the same options to test persistence or sharing.
     */
    protected abstract Map<String, String> freshOptions();

    /**
     * The layers every engine of the suite opens with: none by default. A provider's suite runs the whole
     * contract a second time with the near cache (or codecs) on by overriding this, so a layer cannot
     * change what the contract promises.
     *
     * @return the near cache and codec settings of every engine the TCK opens
     */
    protected StorageLayers layers() {
        return StorageLayers.none();
    }

    @AfterEach
    final synchronized void closeEngines() {
        RuntimeException failure = null;
        for (int i = engines.size() - 1; i >= 0; i--) {
            try {
                engines.get(i).close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        engines.clear();
        engine = null;
        if (failure != null) {
            throw failure;
        }
    }

    // ------------------------------------------------------------------------------------- fixture

    /** @return the provider instance of this test (created once per test) */
    protected final synchronized StorageProvider testedProvider() {
        if (provider == null) {
            provider = provider();
        }
        return provider;
    }

    /** @return this test's options, from one call of {@link #freshOptions()} */
    protected final synchronized Map<String, String> options() {
        if (options == null) {
            options = Map.copyOf(freshOptions());
        }
        return options;
    }

    /**
     * Opens an engine on this test's data set with default settings.
     *
     * @param overrides option values set after {@link #freshOptions()}, for example {@code maxKeys}
     * @return the engine, closed after the test
     */
    protected final StorageEngine openEngine(Map<String, String> overrides) {
        return openEngine(overrides, StorageSettings.defaults());
    }

    /**
     * Opens an engine on this test's data set.
     *
     * @param overrides option values set after {@link #freshOptions()}
     * @param settings the runtime settings
     * @return the engine, closed after the test
     */
    protected final synchronized StorageEngine openEngine(Map<String, String> overrides, StorageSettings settings) {
        StorageProvider p = testedProvider();
        ProviderConfig.Builder config = ProviderConfig.builder(p);
        options().forEach(config::set);
        overrides.forEach(config::set);
        StorageEngine opened = StorageEngine.open(p, config.build(), settings, InstantSource.system(), layers());
        engines.add(opened);
        return opened;
    }

    /** @return the test's default engine, opened on first use with default options and settings */
    protected final synchronized StorageEngine engine() {
        if (engine == null) {
            engine = openEngine(Map.of());
        }
        return engine;
    }

    /** @return the store of plugin {@value #PLUGIN} on the default engine */
    protected final KeyValueStore store() {
        return engine().store(PLUGIN);
    }

    /**
     * @param pluginId a plugin id
     * @return that plugin's store on the default engine
     */
    protected final KeyValueStore store(String pluginId) {
        return engine().store(pluginId);
    }

    /**
     * @param capability a capability
     * @return {@code true} when the provider declares it for this test's options
     *     ({@link StorageProvider#capabilities(ProviderConfig)})
     */
    protected final boolean declares(Capability capability) {
        return testedProvider().capabilities(testedConfig()).contains(capability);
    }

    /** @return this test's options as the provider's validated configuration */
    final ProviderConfig testedConfig() {
        ProviderConfig.Builder config = ProviderConfig.builder(testedProvider());
        options().forEach(config::set);
        return config.build();
    }

    /** Closes this test's engines and draws new options, so the next dynamic test starts from an empty data set. */
    final synchronized void startNextDataSet() {
        closeEngines();
        options = null;
    }

    /** @return the option override that makes background expiry quick, when the provider has the option */
    protected final Map<String, String> fastSweep() {
        return declaresOption(CommonOptions.SWEEP_INTERVAL.name())
                ? Map.of(CommonOptions.SWEEP_INTERVAL.name(), "50ms")
                : Map.of();
    }

    final boolean declaresOption(String name) {
        return testedProvider().options().stream().anyMatch(o -> o.name().equals(name));
    }

    /** @return a store of {@value #PLUGIN} on a new engine limited to {@code maxKeys} keys per namespace */
    final KeyValueStore storeWithMaxKeys(int maxKeys) {
        return openEngine(Map.of(CommonOptions.MAX_KEYS.name(), Integer.toString(maxKeys)))
                .store(PLUGIN);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static void seed(KeyValueStore s, String... keys) {
        for (String k : keys) {
            s.setString(k, "v:" + k);
        }
    }

    /** Sets {@code key} with {@link #SHORT_TTL} and waits until it has expired. */
    static void expireNow(KeyValueStore s, String key, String value) {
        s.setString(key, value, SHORT_TTL);
        Await.until("key '" + key + "' to expire", () -> s.getEntry(key).isEmpty());
    }

    /** Writes a marker key and waits for its event, so every earlier event of the namespace has been delivered. */
    static void flush(KeyValueStore s, EventRecorder r, String marker) {
        s.setString(marker, "marker");
        r.awaitSet(marker);
    }

    /** A record, stored as JSON. */
    public record Note(String title, int stars, List<String> tags) {}

    /** A record Jackson cannot write: its accessor throws. */
    public record Unwritable(String name) {
        /** @return never: always throws */
        @Override
        public String name() {
            throw new IllegalStateException("this value cannot be read");
        }
    }

    // =========================================================================================== Values

    // ============================================================================ the concerns

    /** Runs {@link ValuesContract} against this provider. */
    @Nested
    class Values extends ValuesContract {
        Values() {
            super(StorageContractTck.this);
        }
    }

    /** Runs {@link VersionsAndCasContract} against this provider. */
    @Nested
    class VersionsAndCas extends VersionsAndCasContract {
        VersionsAndCas() {
            super(StorageContractTck.this);
        }
    }

    /** Runs {@link ExpiryContract} against this provider. */
    @Nested
    class Expiry extends ExpiryContract {
        Expiry() {
            super(StorageContractTck.this);
        }
    }

    /** Runs {@link PatternsAndListingContract} against this provider. */
    @Nested
    class PatternsAndListing extends PatternsAndListingContract {
        PatternsAndListing() {
            super(StorageContractTck.this);
        }
    }

    /** Runs {@link KeysValidationContract} against this provider. */
    @Nested
    class KeysValidation extends KeysValidationContract {
        KeysValidation() {
            super(StorageContractTck.this);
        }
    }

    /** Runs {@link NamespaceIsolationContract} against this provider. */
    @Nested
    class NamespaceIsolation extends NamespaceIsolationContract {
        NamespaceIsolation() {
            super(StorageContractTck.this);
        }
    }

    /** Runs {@link NestedNamespacesContract} against this provider. */
    @Nested
    class NestedNamespaces extends NestedNamespacesContract {
        NestedNamespaces() {
            super(StorageContractTck.this);
        }
    }

    /** Runs {@link ClearContract} against this provider. */
    @Nested
    class Clear extends ClearContract {
        Clear() {
            super(StorageContractTck.this);
        }
    }

    /** Runs {@link NearCacheContract} against this provider (tests only when the suite turns the cache on). */
    @Nested
    class NearCache extends NearCacheContract {
        NearCache() {
            super(StorageContractTck.this);
        }
    }

    /** Runs {@link TransactionsContract} against this provider. */
    @Nested
    class Transactions extends TransactionsContract {
        Transactions() {
            super(StorageContractTck.this);
        }
    }

    /** Runs {@link WatchContract} against this provider. */
    @Nested
    class Watch extends WatchContract {
        Watch() {
            super(StorageContractTck.this);
        }
    }

    /** Runs {@link LocksContract} against this provider. */
    @Nested
    class Locks extends LocksContract {
        Locks() {
            super(StorageContractTck.this);
        }
    }

    /** Runs {@link QuotasContract} against this provider. */
    @Nested
    class Quotas extends QuotasContract {
        Quotas() {
            super(StorageContractTck.this);
        }
    }

    /** Runs {@link UnicodeTextContract} against this provider. */
    @Nested
    class UnicodeText extends UnicodeTextContract {
        UnicodeText() {
            super(StorageContractTck.this);
        }
    }

    /** Runs {@link InterruptsContract} against this provider. */
    @Nested
    class Interrupts extends InterruptsContract {
        Interrupts() {
            super(StorageContractTck.this);
        }
    }

    /** Runs {@link ErrorsContract} against this provider. */
    @Nested
    class Errors extends ErrorsContract {
        Errors() {
            super(StorageContractTck.this);
        }
    }

    /** Runs {@link ConcurrencyContract} against this provider. */
    @Nested
    class Concurrency extends ConcurrencyContract {
        Concurrency() {
            super(StorageContractTck.this);
        }
    }

    /** Runs {@link OperatorPartsContract} against this provider. */
    @Nested
    class OperatorParts extends OperatorPartsContract {
        OperatorParts() {
            super(StorageContractTck.this);
        }
    }

    /** Runs {@link CapabilitiesContract} against this provider. */
    @Nested
    class Capabilities extends CapabilitiesContract {
        Capabilities() {
            super(StorageContractTck.this);
        }
    }
}
