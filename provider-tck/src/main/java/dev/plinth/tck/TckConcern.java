package dev.plinth.tck;

import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.core.config.StorageSettings;
import dev.plinth.core.storage.StorageEngine;
import dev.plinth.spi.storage.Capability;
import dev.plinth.spi.storage.ProviderConfig;
import dev.plinth.spi.storage.StorageProvider;
import java.time.Duration;
import java.util.Map;

/**
 * What every concern of the TCK is written against: the fixture of the {@link StorageContractTck} running
 * it (through the same method names, so a test reads the same wherever it lives) and the small helpers all
 * concerns share. A concern is a top-level class per part of the contract ({@link ValuesContract},
 * {@link ExpiryContract}, ...); the entry class declares one nested class per concern, so a provider still
 * has one entry point and a new concern reaches every provider without any change on its side.
 */
// "exports": see StorageContractTck.
@SuppressWarnings("exports")
public abstract class TckConcern {
    /** The plugin id of the store most tests use. */
    protected static final String PLUGIN = StorageContractTck.PLUGIN;
    /** A TTL long enough never to pass during a test. */
    protected static final Duration LONG_TTL = StorageContractTck.LONG_TTL;
    /** A TTL short enough to wait for. Tests never assume such a key is still present. */
    protected static final Duration SHORT_TTL = StorageContractTck.SHORT_TTL;

    private final StorageContractTck tck;

    /** @param tck the entry class running this concern, which owns the fixture */
    protected TckConcern(StorageContractTck tck) {
        this.tck = tck;
    }

    /** @return the entry class running this concern */
    final StorageContractTck tck() {
        return tck;
    }

    /** @return the provider under test, created once per test */
    protected final StorageProvider testedProvider() {
        return tck.testedProvider();
    }

    /** @return a new instance of the provider under test, as the runtime would create one */
    protected final StorageProvider provider() {
        return tck.provider();
    }

    /** @return this test's options */
    protected final Map<String, String> options() {
        return tck.options();
    }

    /**
     * @param overrides option values set after the test's options
     * @return a new engine on this test's data set, closed after the test
     */
    protected final StorageEngine openEngine(Map<String, String> overrides) {
        return tck.openEngine(overrides);
    }

    /**
     * @param overrides option values set after the test's options
     * @param settings the runtime settings
     * @return a new engine on this test's data set, closed after the test
     */
    protected final StorageEngine openEngine(Map<String, String> overrides, StorageSettings settings) {
        return tck.openEngine(overrides, settings);
    }

    /** @return the test's default engine */
    protected final StorageEngine engine() {
        return tck.engine();
    }

    /** @return the store of plugin {@value #PLUGIN} on the default engine */
    protected final KeyValueStore store() {
        return tck.store();
    }

    /**
     * @param pluginId a plugin id
     * @return that plugin's store on the default engine
     */
    protected final KeyValueStore store(String pluginId) {
        return tck.store(pluginId);
    }

    /**
     * @param capability a capability
     * @return {@code true} when the provider declares it for this test's options
     */
    protected final boolean declares(Capability capability) {
        return tck.declares(capability);
    }

    /** @return the option override that makes background expiry quick, when the provider has the option */
    protected final Map<String, String> fastSweep() {
        return tck.fastSweep();
    }

    final ProviderConfig testedConfig() {
        return tck.testedConfig();
    }

    final void startNextDataSet() {
        tck.startNextDataSet();
    }

    final KeyValueStore storeWithMaxKeys(int maxKeys) {
        return tck.storeWithMaxKeys(maxKeys);
    }

    static byte[] bytes(String s) {
        return StorageContractTck.bytes(s);
    }

    static String text(byte[] b) {
        return StorageContractTck.text(b);
    }

    static void seed(KeyValueStore s, String... keys) {
        StorageContractTck.seed(s, keys);
    }

    static void expireNow(KeyValueStore s, String key, String value) {
        StorageContractTck.expireNow(s, key, value);
    }

    static void flush(KeyValueStore s, EventRecorder r, String marker) {
        StorageContractTck.flush(s, r, marker);
    }
}
