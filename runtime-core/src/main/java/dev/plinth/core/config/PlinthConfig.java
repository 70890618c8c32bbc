package dev.plinth.core.config;

import dev.plinth.api.ConfigurationException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The raw configuration sources of one runtime, before the runtime knows which keys exist. Immutable and
 * thread-safe; {@link #toString()} shows where values come from, never values.
 *
 * <p>Precedence, later wins: the properties file, environment variables ({@code PLINTH_*}, see
 * {@link EnvironmentNames}), system properties ({@code plinth.*}), values set with
 * {@link Builder#set(String, String)}. From the file every key is taken (a key not starting with
 * {@code plinth.} is reported as unknown); from system properties only keys starting with {@code plinth.};
 * from the environment only variables starting with {@code PLINTH_} except {@code PLINTH_CONFIG} and
 * {@code PLINTH_HOME}.
 */
public final class PlinthConfig {
    private final Path file;
    private final Map<String, String> fileValues;
    private final Map<String, String> environment;
    private final Map<String, String> systemProperties;
    private final Map<String, String> overrides;

    private PlinthConfig(Builder b) {
        this.file = b.file;
        this.fileValues = Map.copyOf(b.fileValues);
        this.environment = Map.copyOf(b.environment);
        this.systemProperties = Map.copyOf(b.systemProperties);
        this.overrides = Map.copyOf(b.overrides);
    }

    /** @return a configuration with no values at all */
    public static PlinthConfig empty() {
        return builder().build();
    }

    /**
     * The standard sources of a host process: the file {@code configFile} (or, when {@code null}, the file
     * named by {@code PLINTH_CONFIG} if set), {@link System#getenv()} and {@link System#getProperties()}.
     *
     * @param configFile the properties file, or {@code null}
     * @return the configuration
     * @throws ConfigurationException when the file cannot be read
     */
    public static PlinthConfig standard(Path configFile) {
        Builder b = builder().environment(System.getenv()).systemProperties(System.getProperties());
        Path f = configFile;
        if (f == null) {
            String fromEnv = System.getenv(ConfigKeys.CONFIG_FILE_ENV);
            if (fromEnv != null && !fromEnv.isBlank()) {
                f = Path.of(fromEnv.trim());
            }
        }
        if (f != null) {
            b.file(f);
        }
        return b.build();
    }

    /** @return a new builder with no sources */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Merges the sources into the effective key/value view.
     *
     * @param knownKeys every key the runtime can name exactly (fixed keys, provider options, plugin
     *     {@code enabled} keys); environment variables are matched against these first
     * @param pluginIds ids of present plugins, to place environment variables in plugin sections
     * @return the effective configuration
     */
    public EffectiveConfig resolve(Collection<String> knownKeys, Collection<String> pluginIds) {
        Map<String, EffectiveConfig.Value> merged = new HashMap<>();
        String fileOrigin = "file " + file;
        fileValues.forEach((k, v) -> merged.put(k, new EffectiveConfig.Value(v, fileOrigin)));

        Map<String, String> byEnvName = new TreeMap<>();
        List<String> candidates = new ArrayList<>(knownKeys);
        candidates.addAll(fileValues.keySet());
        candidates.addAll(systemProperties.keySet());
        candidates.addAll(overrides.keySet());
        candidates.sort(Comparator.naturalOrder());
        for (String key : candidates) {
            byEnvName.putIfAbsent(EnvironmentNames.of(key), key);
        }
        List<String> idsLongestFirst = pluginIds.stream()
                .sorted(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()))
                .collect(Collectors.toList());
        new TreeMap<>(environment)
                .forEach((name, v) -> merged.put(
                        keyForVariable(name, byEnvName, idsLongestFirst),
                        new EffectiveConfig.Value(v, "environment variable " + name)));
        systemProperties.forEach((k, v) -> merged.put(k, new EffectiveConfig.Value(v, "system property " + k)));
        overrides.forEach((k, v) -> merged.put(k, new EffectiveConfig.Value(v, "programmatic setting " + k)));
        return new EffectiveConfig(merged);
    }

    private static String keyForVariable(String name, Map<String, String> byEnvName, List<String> idsLongestFirst) {
        String exact = byEnvName.get(name);
        if (exact != null) {
            return exact;
        }
        for (String id : idsLongestFirst) {
            String sectionPrefix = EnvironmentNames.of(ConfigKeys.pluginSection(id));
            if (name.startsWith(sectionPrefix) && name.length() > sectionPrefix.length()) {
                return ConfigKeys.pluginSection(id) + EnvironmentNames.toKey(name.substring(sectionPrefix.length()));
            }
        }
        return EnvironmentNames.toKey(name);
    }

    /** @return the properties file read, if any */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    @Override
    public String toString() {
        return "PlinthConfig[file=" + file + ", fileKeys=" + new TreeMap<>(fileValues).keySet() + ", environment="
                + new TreeMap<>(environment).keySet() + ", systemProperties=" + new TreeMap<>(systemProperties).keySet()
                + ", programmatic=" + new TreeMap<>(overrides).keySet() + "]";
    }

    /** Collects the sources. Not thread-safe. */
    public static final class Builder {
        private Path file;
        private final Map<String, String> fileValues = new LinkedHashMap<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final Map<String, String> systemProperties = new LinkedHashMap<>();
        private final Map<String, String> overrides = new LinkedHashMap<>();

        private Builder() {}

        /**
         * Reads a properties file (ISO-8859-1 escapes as in {@link Properties#load(Reader)}, read as UTF-8)
         * as the lowest-precedence source.
         *
         * @param path the file
         * @return this
         * @throws ConfigurationException when it cannot be read; the message names the path
         */
        public Builder file(Path path) {
            Objects.requireNonNull(path, "path");
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigurationException(
                        null, "Cannot read configuration file " + path.toAbsolutePath() + ": " + e, e);
            }
            this.file = path.toAbsolutePath();
            fileValues.clear();
            p.stringPropertyNames()
                    .forEach(k -> fileValues.put(k, p.getProperty(k).trim()));
            return this;
        }

        /**
         * Uses an in-memory map as the file source (lowest precedence), for hosts and tests.
         *
         * @param values keys and values
         * @return this
         */
        public Builder properties(Map<String, String> values) {
            fileValues.clear();
            fileValues.putAll(values);
            return this;
        }

        /**
         * @param env the environment, for example {@link System#getenv()}; only {@code PLINTH_*} variables
         *     are kept, except {@link EnvironmentNames#NOT_CONFIGURATION}
         * @return this
         */
        public Builder environment(Map<String, String> env) {
            environment.clear();
            env.forEach((k, v) -> {
                if (k.startsWith(EnvironmentNames.PREFIX) && !EnvironmentNames.NOT_CONFIGURATION.contains(k)) {
                    environment.put(k, v);
                }
            });
            return this;
        }

        /**
         * @param props system properties, for example {@link System#getProperties()}; only keys starting
         *     with {@code plinth.} are kept
         * @return this
         */
        public Builder systemProperties(Properties props) {
            Map<String, String> m = new LinkedHashMap<>();
            for (String k : props.stringPropertyNames()) {
                m.put(k, props.getProperty(k));
            }
            return systemProperties(m);
        }

        /**
         * @param props system-property style keys and values; only keys starting with {@code plinth.} are
         *     kept
         * @return this
         */
        public Builder systemProperties(Map<String, String> props) {
            systemProperties.clear();
            props.forEach((k, v) -> {
                if (k.startsWith(ConfigKeys.PREFIX)) {
                    systemProperties.put(k, v);
                }
            });
            return this;
        }

        /**
         * Sets one value above every other source.
         *
         * @param key the full key, for example {@code plinth.storage.provider}
         * @param value the raw value
         * @return this
         */
        public Builder set(String key, String value) {
            overrides.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** @return the configuration */
        public PlinthConfig build() {
            return new PlinthConfig(this);
        }
    }
}
