package dev.plinth.core.config;

import java.util.List;

/**
 * Every configuration key the runtime reads, in one place, so documentation and code cannot drift.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code plinth.storage.provider}</td><td>id of the storage provider to use</td>
 *       <td>the only provider on the class path</td></tr>
 *   <tr><td>{@code plinth.storage.<providerId>.<option>}</td><td>an option of that provider</td>
 *       <td>the option's default</td></tr>
 *   <tr><td>{@code plinth.storage.maxValueBytes}</td><td>largest value accepted, in bytes</td><td>16 MiB</td></tr>
 *   <tr><td>{@code plinth.storage.watchBufferSize}</td><td>events buffered per watch</td><td>10000</td></tr>
 *   <tr><td>{@code plinth.storage.lockLease}</td><td>lease of a lock taken without one</td><td>30s</td></tr>
 *   <tr><td>{@code plinth.plugins.<id>.enabled}</td><td>{@code false} disables the plugin</td><td>true</td></tr>
 *   <tr><td>{@code plinth.plugins.<id>.<option>}</td><td>the plugin's own configuration</td><td>-</td></tr>
 *   <tr><td>{@code plinth.runtime.startTimeout}</td><td>how long one plugin's init, and then its start,
 *       may take</td><td>60s</td></tr>
 *   <tr><td>{@code plinth.runtime.shutdownTimeout}</td><td>how long one plugin's shutdown may take</td>
 *       <td>10s</td></tr>
 *   <tr><td>{@code plinth.health.timeout}</td><td>bound on one storage probe or plugin health check</td>
 *       <td>2s</td></tr>
 *   <tr><td>{@code plinth.health.cacheTtl}</td><td>how long a health report is reused</td><td>1s</td></tr>
 * </table>
 */
public final class ConfigKeys {
    /** Every runtime key starts with this. */
    public static final String PREFIX = "plinth.";
    /** Storage keys start with this. */
    public static final String STORAGE_PREFIX = "plinth.storage.";
    /** Id of the storage provider to use. */
    public static final String STORAGE_PROVIDER = "plinth.storage.provider";
    /** Largest value accepted, in bytes. */
    public static final String STORAGE_MAX_VALUE_BYTES = "plinth.storage.maxValueBytes";
    /** Events buffered per watch subscription. */
    public static final String STORAGE_WATCH_BUFFER_SIZE = "plinth.storage.watchBufferSize";
    /** Lease of a lock taken without an explicit one. */
    public static final String STORAGE_LOCK_LEASE = "plinth.storage.lockLease";
    /** Plugin sections start with this. */
    public static final String PLUGINS_PREFIX = "plinth.plugins.";
    /** The option of a plugin section that disables the plugin when {@code false}. */
    public static final String PLUGIN_ENABLED = "enabled";
    /** How long one plugin's {@code init()}, and then its {@code start()}, may take before startup fails. */
    public static final String RUNTIME_START_TIMEOUT = "plinth.runtime.startTimeout";
    /** How long one plugin's {@code shutdown()} may take before the runtime moves on. */
    public static final String RUNTIME_SHUTDOWN_TIMEOUT = "plinth.runtime.shutdownTimeout";
    /** The bound on one storage probe or one plugin health check, and so on one health report. */
    public static final String HEALTH_TIMEOUT = "plinth.health.timeout";
    /** How long a health report is reused before the next one probes again. */
    public static final String HEALTH_CACHE_TTL = "plinth.health.cacheTtl";
    /** The environment variable naming the properties file, when {@code --config} is not given. */
    public static final String CONFIG_FILE_ENV = "PLINTH_CONFIG";
    /** The command-line option naming the properties file. */
    public static final String CONFIG_FILE_ARG = "--config";

    /** The fixed keys (those without a provider or plugin id in them). */
    public static final List<String> FIXED_KEYS = List.of(
            STORAGE_PROVIDER,
            STORAGE_MAX_VALUE_BYTES,
            STORAGE_WATCH_BUFFER_SIZE,
            STORAGE_LOCK_LEASE,
            RUNTIME_START_TIMEOUT,
            RUNTIME_SHUTDOWN_TIMEOUT,
            HEALTH_TIMEOUT,
            HEALTH_CACHE_TTL);

    private ConfigKeys() {}

    /**
     * @param providerId a provider id
     * @param option one of its option names
     * @return {@code plinth.storage.<providerId>.<option>}
     */
    public static String providerOption(String providerId, String option) {
        return providerSection(providerId) + option;
    }

    /**
     * @param providerId a provider id
     * @return {@code plinth.storage.<providerId>.}
     */
    public static String providerSection(String providerId) {
        return STORAGE_PREFIX + providerId + ".";
    }

    /**
     * @param pluginId a plugin id
     * @param option an option of the plugin
     * @return {@code plinth.plugins.<pluginId>.<option>}
     */
    public static String pluginOption(String pluginId, String option) {
        return pluginSection(pluginId) + option;
    }

    /**
     * @param pluginId a plugin id
     * @return {@code plinth.plugins.<pluginId>.}
     */
    public static String pluginSection(String pluginId) {
        return PLUGINS_PREFIX + pluginId + ".";
    }
}
