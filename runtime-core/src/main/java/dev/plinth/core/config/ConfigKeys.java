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
 *   <tr><td>{@code plinth.storage.cache.enabled|maxEntries|maxBytes|ttl|negative}</td><td>the near cache
 *       (see {@link StorageLayers})</td><td>off; 10000 entries; 10m; true</td></tr>
 *   <tr><td>{@code plinth.storage.codec.compression|compressionThreshold|encryptionKeys|encryptionKeyId}</td>
 *       <td>value codecs at rest (see {@link StorageLayers})</td><td>none; 1024; none</td></tr>
 *   <tr><td>{@code plinth.plugins.<id>.storage.cache.*|storage.codec.*}</td><td>a plugin's own cache and
 *       codec settings</td><td>the runtime-wide ones</td></tr>
 *   <tr><td>{@code plinth.plugins.<id>.enabled}</td><td>{@code false} disables the plugin</td><td>true</td></tr>
 *   <tr><td>{@code plinth.plugins.<id>.<option>}</td><td>the plugin's own configuration</td><td>-</td></tr>
 *   <tr><td>{@code plinth.plugins.dir}</td><td>the plugins folder: every archive in it is loaded</td>
 *       <td>{@code <plinth.home>/plugins}, else none</td></tr>
 *   <tr><td>{@code plinth.plugins.watch}</td><td>install or reload archives that appear or change in the
 *       plugins folder</td><td>false</td></tr>
 *   <tr><td>{@code plinth.home}</td><td>the distribution's directory (set by its launcher)</td><td>-</td></tr>
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
    /** Near cache keys start with this. */
    public static final String STORAGE_CACHE_PREFIX = "plinth.storage.cache.";
    /** Whether reads are served from a near cache in front of the provider (per plugin: {@code storage.cache.enabled}). */
    public static final String STORAGE_CACHE_ENABLED = "plinth.storage.cache.enabled";
    /** The most entries the near cache keeps. */
    public static final String STORAGE_CACHE_MAX_ENTRIES = "plinth.storage.cache.maxEntries";
    /** The most bytes (keys and values) the near cache keeps, instead of an entry bound. */
    public static final String STORAGE_CACHE_MAX_BYTES = "plinth.storage.cache.maxBytes";
    /** The longest a near cache entry is kept after it was loaded. */
    public static final String STORAGE_CACHE_TTL = "plinth.storage.cache.ttl";
    /** Whether the near cache also remembers absent keys. */
    public static final String STORAGE_CACHE_NEGATIVE = "plinth.storage.cache.negative";
    /** Value codec keys start with this. */
    public static final String STORAGE_CODEC_PREFIX = "plinth.storage.codec.";
    /** How values are compressed at rest: {@code none} or {@code lz4}. */
    public static final String STORAGE_CODEC_COMPRESSION = "plinth.storage.codec.compression";
    /** The smallest value, in bytes, that is compressed. */
    public static final String STORAGE_CODEC_COMPRESSION_THRESHOLD = "plinth.storage.codec.compressionThreshold";
    /** AES keys values are encrypted with at rest, {@code keyId=base64Key[,...]}; a secret. */
    public static final String STORAGE_CODEC_ENCRYPTION_KEYS = "plinth.storage.codec.encryptionKeys";
    /** The id of the key new values are encrypted with. */
    public static final String STORAGE_CODEC_ENCRYPTION_KEY_ID = "plinth.storage.codec.encryptionKeyId";
    /** Plugin sections start with this. */
    public static final String PLUGINS_PREFIX = "plinth.plugins.";
    /** The plugins folder: every plugin archive in it is loaded at startup. */
    public static final String PLUGINS_DIR = "plinth.plugins.dir";
    /** {@code true}: archives that appear or change in the plugins folder are installed or reloaded. */
    public static final String PLUGINS_WATCH = "plinth.plugins.watch";
    /** The distribution's directory, set by its launcher; {@code plugins/} in it is the default plugins folder. */
    public static final String HOME = "plinth.home";
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
            STORAGE_CACHE_ENABLED,
            STORAGE_CACHE_MAX_ENTRIES,
            STORAGE_CACHE_MAX_BYTES,
            STORAGE_CACHE_TTL,
            STORAGE_CACHE_NEGATIVE,
            STORAGE_CODEC_COMPRESSION,
            STORAGE_CODEC_COMPRESSION_THRESHOLD,
            STORAGE_CODEC_ENCRYPTION_KEYS,
            STORAGE_CODEC_ENCRYPTION_KEY_ID,
            RUNTIME_START_TIMEOUT,
            RUNTIME_SHUTDOWN_TIMEOUT,
            PLUGINS_DIR,
            PLUGINS_WATCH,
            HOME,
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
