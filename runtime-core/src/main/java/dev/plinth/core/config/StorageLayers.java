package dev.plinth.core.config;

import dev.plinth.api.ConfigurationException;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The optional layers between the scoped stores and the backend: the near cache and the value codecs, with
 * the defaults of every plugin and each plugin's overrides. Read once from configuration when the runtime
 * opens storage; immutable.
 *
 * <p>Keys: {@code plinth.storage.cache.{enabled,maxEntries,maxBytes,ttl,negative}} and
 * {@code plinth.storage.codec.{compression,compressionThreshold,encryptionKeys,encryptionKeyId}}; a plugin
 * overrides any of them under {@code plinth.plugins.<id>.storage.cache.*} and
 * {@code plinth.plugins.<id>.storage.codec.*}, each option falling back to the runtime-wide value. These two
 * sub-sections of a plugin's section are the runtime's: an unknown option there fails startup.
 *
 * @param cache the default near cache settings
 * @param pluginCache plugins whose cache settings differ from the default, by plugin id
 * @param codec the default codec settings
 * @param pluginCodec plugins whose codec settings differ from the default, by plugin id
 */
public record StorageLayers(
        CacheSettings cache,
        Map<String, CacheSettings> pluginCache,
        CodecSettings codec,
        Map<String, CodecSettings> pluginCodec) {
    /** The cache sub-section of a plugin's section. */
    public static final String PLUGIN_CACHE_SECTION = "storage.cache.";
    /** The codec sub-section of a plugin's section. */
    public static final String PLUGIN_CODEC_SECTION = "storage.codec.";

    /**
     * @param cache default cache settings
     * @param pluginCache per-plugin cache settings
     * @param codec default codec settings
     * @param pluginCodec per-plugin codec settings
     * @throws NullPointerException when an argument is {@code null}
     */
    public StorageLayers {
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(codec, "codec");
        pluginCache = Map.copyOf(pluginCache);
        pluginCodec = Map.copyOf(pluginCodec);
    }

    /** @return no cache and no codec for any plugin */
    public static StorageLayers none() {
        return new StorageLayers(CacheSettings.disabled(), Map.of(), CodecSettings.none(), Map.of());
    }

    /**
     * @param cache the cache settings of every plugin
     * @return those cache settings and no codec
     */
    public static StorageLayers cache(CacheSettings cache) {
        return new StorageLayers(cache, Map.of(), CodecSettings.none(), Map.of());
    }

    /**
     * @param codec the codec settings of every plugin
     * @return a copy with those default codec settings
     */
    public StorageLayers withCodec(CodecSettings codec) {
        return new StorageLayers(cache, pluginCache, codec, pluginCodec);
    }

    /**
     * @param pluginId a plugin id
     * @return the cache settings of that plugin's stores
     */
    public CacheSettings cacheFor(String pluginId) {
        return pluginCache.getOrDefault(pluginId, cache);
    }

    /**
     * @param pluginId a plugin id
     * @return the codec settings of that plugin's stores
     */
    public CodecSettings codecFor(String pluginId) {
        return pluginCodec.getOrDefault(pluginId, codec);
    }

    /** @return whether any plugin's reads are cached */
    public boolean anyCache() {
        return cache.enabled() || pluginCache.values().stream().anyMatch(CacheSettings::enabled);
    }

    /** @return whether any plugin's values are encoded */
    public boolean anyCodec() {
        return !codec.isIdentity() || pluginCodec.values().stream().anyMatch(c -> !c.isIdentity());
    }

    /**
     * Reads the layers from configuration.
     *
     * <p>A plugin's settings are read whether or not it is present at startup: a plugin installed later (a
     * new archive in the plugins folder) finds its {@code plinth.plugins.<id>.storage.*} settings in force,
     * and a cache that only such a plugin turns on is set up at open, ready for it.
     *
     * @param config the effective configuration
     * @param presentIds every present plugin id, to find their sections
     * @return the layers
     * @throws ConfigurationException naming the key (never a secret value) when a value does not parse, is out
     *     of range, or an option under a plugin's {@code storage.cache.}/{@code storage.codec.} is unknown
     */
    public static StorageLayers from(EffectiveConfig config, Collection<String> presentIds) {
        Set<String> pluginIds = new TreeSet<>(presentIds);
        pluginIds.addAll(configuredIds(config));
        Map<String, String> globalCache = config.section(ConfigKeys.STORAGE_CACHE_PREFIX);
        Map<String, String> globalCodec = config.section(ConfigKeys.STORAGE_CODEC_PREFIX);
        CacheSettings cache = cache(CacheSettings.disabled(), globalCache, ConfigKeys.STORAGE_CACHE_PREFIX, config);
        CodecSettings codec = codec(CodecSettings.none(), globalCodec, ConfigKeys.STORAGE_CODEC_PREFIX, config);
        Map<String, CacheSettings> pluginCache = new TreeMap<>();
        Map<String, CodecSettings> pluginCodec = new TreeMap<>();
        for (String id : pluginIds) {
            Map<String, String> section = config.pluginSection(id, pluginIds);
            Map<String, String> ownCache = sub(section, PLUGIN_CACHE_SECTION);
            Map<String, String> ownCodec = sub(section, PLUGIN_CODEC_SECTION);
            String prefix = ConfigKeys.pluginSection(id);
            if (!ownCache.isEmpty()) {
                Map<String, String> merged = new TreeMap<>(globalCache);
                // The plugin's bound replaces the runtime-wide one, whichever measure each uses.
                if (ownCache.containsKey("maxBytes") || ownCache.containsKey("maxEntries")) {
                    merged.remove("maxBytes");
                    merged.remove("maxEntries");
                }
                merged.putAll(ownCache);
                pluginCache.put(id, cache(CacheSettings.disabled(), merged, prefix + PLUGIN_CACHE_SECTION, config));
            }
            if (!ownCodec.isEmpty()) {
                Map<String, String> merged = new TreeMap<>(globalCodec);
                merged.putAll(ownCodec);
                pluginCodec.put(id, codec(CodecSettings.none(), merged, prefix + PLUGIN_CODEC_SECTION, config));
            }
        }
        return new StorageLayers(cache, pluginCache, codec, pluginCodec);
    }

    /**
     * Plugins that have storage settings in the configuration, present or not: the id is what lies between
     * {@code plinth.plugins.} and the last {@code .storage.cache.} or {@code .storage.codec.} of a key.
     */
    private static Set<String> configuredIds(EffectiveConfig config) {
        Set<String> ids = new TreeSet<>();
        for (String key : config.section(ConfigKeys.PLUGINS_PREFIX).keySet()) {
            int at = Math.max(key.lastIndexOf("." + PLUGIN_CACHE_SECTION), key.lastIndexOf("." + PLUGIN_CODEC_SECTION));
            if (at > 0) {
                ids.add(key.substring(0, at));
            }
        }
        return ids;
    }

    private static Map<String, String> sub(Map<String, String> section, String prefix) {
        Map<String, String> out = new TreeMap<>();
        section.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    /** Where a merged option's value came from: the plugin's key when it has one, else the runtime-wide key. */
    private static String keyOf(String prefix, String option, EffectiveConfig config, String globalPrefix) {
        String own = prefix + option;
        return config.get(own).isPresent() ? own : globalPrefix + option;
    }

    private static CacheSettings cache(
            CacheSettings base, Map<String, String> options, String prefix, EffectiveConfig config) {
        String global = ConfigKeys.STORAGE_CACHE_PREFIX;
        CacheSettings s = base;
        for (Map.Entry<String, String> e : options.entrySet()) {
            String key = keyOf(prefix, e.getKey(), config, global);
            String origin = config.origin(key);
            String raw = e.getValue();
            CacheSettings b = s;
            s = switch (e.getKey()) {
                case "enabled" ->
                    new CacheSettings(
                            ConfigValues.parseBoolean(key, origin, raw),
                            b.maxEntries(),
                            b.maxBytes(),
                            b.ttl(),
                            b.negative());
                case "maxEntries" -> {
                    long v = ConfigValues.parseLong(key, origin, raw);
                    yield inRange(
                            key, origin, () -> new CacheSettings(b.enabled(), v, b.maxBytes(), b.ttl(), b.negative()));
                }
                case "maxBytes" -> {
                    long v = ConfigValues.parseLong(key, origin, raw);
                    if (v < 1) {
                        throw ConfigValues.invalid(key, origin, "must be at least 1, was " + v, null);
                    }
                    yield b.withMaxBytes(v);
                }
                case "ttl" -> {
                    Duration v = ConfigValues.parseDuration(key, origin, raw);
                    yield inRange(key, origin, () -> b.withTtl(v));
                }
                case "negative" ->
                    new CacheSettings(
                            b.enabled(),
                            b.maxEntries(),
                            b.maxBytes(),
                            b.ttl(),
                            ConfigValues.parseBoolean(key, origin, raw));
                default -> throw unknown(prefix, e.getKey(), config, "enabled, maxEntries, maxBytes, ttl, negative");
            };
        }
        if (options.containsKey("maxEntries") && options.containsKey("maxBytes")) {
            String key = keyOf(prefix, "maxBytes", config, global);
            throw new ConfigurationException(
                    key,
                    "Invalid value for " + key + " (from " + config.origin(key) + "): set either " + prefix
                            + "maxEntries or " + prefix + "maxBytes, not both (the cache is bounded by one measure)");
        }
        return s;
    }

    private static CodecSettings codec(
            CodecSettings base, Map<String, String> options, String prefix, EffectiveConfig config) {
        String global = ConfigKeys.STORAGE_CODEC_PREFIX;
        CodecSettings.Compression compression = base.compression();
        int threshold = base.compressionThreshold();
        Map<String, byte[]> keys = new LinkedHashMap<>();
        String active = null;
        String keysKey = null;
        for (Map.Entry<String, String> e : options.entrySet()) {
            String key = keyOf(prefix, e.getKey(), config, global);
            String origin = config.origin(key);
            String raw = e.getValue();
            switch (e.getKey()) {
                case "compression" -> {
                    try {
                        compression =
                                CodecSettings.Compression.valueOf(raw.trim().toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException ex) {
                        throw ConfigValues.invalid(
                                key, origin, "must be one of none, lz4, was '" + raw.trim() + "'", null);
                    }
                }
                case "compressionThreshold" -> {
                    threshold = ConfigValues.parseInt(key, origin, raw);
                    if (threshold < 1) {
                        throw ConfigValues.invalid(key, origin, "must be at least 1, was " + threshold, null);
                    }
                }
                case "encryptionKeys" -> {
                    keysKey = key;
                    keys = parseKeys(key, origin, raw);
                }
                case "encryptionKeyId" -> active = raw.trim();
                default ->
                    throw unknown(
                            prefix,
                            e.getKey(),
                            config,
                            "compression, compressionThreshold, encryptionKeys, encryptionKeyId");
            }
        }
        if (active == null && keys.size() == 1) {
            active = keys.keySet().iterator().next();
        }
        if (active == null && keys.size() > 1) {
            throw new ConfigurationException(
                    keyOf(prefix, "encryptionKeyId", config, global),
                    "Missing " + prefix + "encryptionKeyId: " + keysKey + " lists " + keys.size() + " keys "
                            + keys.keySet() + "; name the one new values are encrypted with");
        }
        String activeKey = keyOf(prefix, "encryptionKeyId", config, global);
        try {
            return new CodecSettings(compression, threshold, keys, active);
        } catch (IllegalArgumentException ex) {
            throw ConfigValues.invalid(activeKey, config.origin(activeKey), ex.getMessage(), null);
        }
    }

    /** {@code id=base64[,id=base64]}; a failure names the key id, never the key. */
    private static Map<String, byte[]> parseKeys(String key, String origin, String raw) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        for (String part : raw.split(",", -1)) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw ConfigValues.invalid(
                        key, origin, "must be keyId=base64Key[,keyId=base64Key...] (the value is not shown)", null);
            }
            String id = p.substring(0, eq).trim();
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(p.substring(eq + 1).trim());
            } catch (IllegalArgumentException ex) {
                throw ConfigValues.invalid(key, origin, "the key of id '" + id + "' is not valid Base64", null);
            }
            if (bytes.length != 16 && bytes.length != 24 && bytes.length != 32) {
                throw ConfigValues.invalid(
                        key,
                        origin,
                        "the key of id '" + id + "' must decode to 16, 24 or 32 bytes (AES-128/192/256), was "
                                + bytes.length + " bytes",
                        null);
            }
            if (keys.put(id, bytes) != null) {
                throw ConfigValues.invalid(key, origin, "key id '" + id + "' is listed twice", null);
            }
        }
        if (keys.isEmpty()) {
            throw ConfigValues.invalid(key, origin, "lists no key", null);
        }
        return keys;
    }

    private static ConfigurationException unknown(String prefix, String option, EffectiveConfig config, String known) {
        String key = prefix + option;
        return new ConfigurationException(
                key,
                "Unknown configuration key '" + key + "' (from " + config.origin(key) + "). Options under " + prefix
                        + ": " + known);
    }

    private static CacheSettings inRange(String key, String origin, java.util.function.Supplier<CacheSettings> make) {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            throw ConfigValues.invalid(key, origin, e.getMessage(), e);
        }
    }
}
