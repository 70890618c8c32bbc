package dev.plinth.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.core.config.ConfigKeys;
import dev.plinth.metrics.MeterNames;
import dev.plinth.spi.storage.OptionSpec;
import dev.plinth.spi.storage.StorageProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the documentation and the code naming the same configuration keys: every {@code plinth.*} key the
 * README, the docs and the shipped configuration mention exists, and every key the code reads is in the
 * configuration reference.
 */
class DocumentedKeysTest {
    private static final Path ROOT = Path.of("..");
    /** A key as written in prose or properties: not part of a path such as data/plinth.db. */
    private static final Pattern KEY = Pattern.compile("(?<![\\w/.-])plinth\\.[A-Za-z0-9_.<>-]*[A-Za-z0-9_>]");

    /** Every meter name Plinth registers, from the constants of {@link MeterNames}. */
    private static final Set<String> METER_NAMES = meterNames();

    private static Set<String> meterNames() {
        Set<String> names = new TreeSet<>();
        for (java.lang.reflect.Field f : MeterNames.class.getFields()) {
            if (f.getType() == String.class && java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                try {
                    String v = (String) f.get(null);
                    if (v.startsWith("plinth.")) {
                        names.add(v);
                    }
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return names;
    }

    @Test
    void everyDocumentedKeyExists() throws IOException {
        Map<String, Set<String>> providerOptions = providerOptions();
        Map<String, String> unknown = new TreeMap<>();
        for (Path doc : documents()) {
            Matcher m = KEY.matcher(Files.readString(doc));
            while (m.find()) {
                String key = m.group();
                if (!isKnown(key, providerOptions)) {
                    unknown.put(key, ROOT.relativize(doc).toString());
                }
            }
        }
        assertThat(unknown)
                .as("keys named in the docs that the code does not know (key=document)")
                .isEmpty();
    }

    @Test
    void theConfigurationReferenceNamesEveryKeyTheCodeReads() throws IOException {
        String reference = Files.readString(ROOT.resolve("docs/configuration.md"));
        Set<String> missing = new TreeSet<>();
        for (String key : ConfigKeys.FIXED_KEYS) {
            if (!reference.contains("`" + key + "`")) {
                missing.add(key);
            }
        }
        providerOptions()
                .forEach((id, options) -> options.forEach(option -> {
                    String key = ConfigKeys.providerOption(id, option);
                    if (!reference.contains("`" + key + "`")) {
                        missing.add(key);
                    }
                }));
        assertThat(missing).as("keys missing from docs/configuration.md").isEmpty();
    }

    /** {@code plinth.plugins.<id>.storage.cache.ttl} and the like: a plugin's override of a layer key. */
    private static boolean isPluginLayerKey(String key) {
        java.util.regex.Matcher m = Pattern.compile("plinth\\.plugins\\.[^.]+\\.storage\\.((cache|codec)\\.[A-Za-z]+)")
                .matcher(key);
        return m.matches() && ConfigKeys.FIXED_KEYS.contains(ConfigKeys.STORAGE_PREFIX + m.group(1));
    }

    private static boolean isKnown(String key, Map<String, Set<String>> providerOptions) {
        if (ConfigKeys.FIXED_KEYS.contains(key)) {
            return true;
        }
        // Placeholders in the docs: plinth.storage.<provider>.<option>, plinth.plugins.<id>.enabled, ...
        if (key.matches("plinth\\.storage\\.<[a-z]+>\\.<[a-z]+>")
                || key.matches("plinth\\.plugins\\.<[a-zA-Z]+>\\.(<[a-z]+>|enabled)")
                || key.matches("plinth\\.plugins\\.<[a-zA-Z]+>\\.storage\\.(cache|codec)\\.<option>")
                || isPluginLayerKey(key)
                || key.equals("plinth.plugins.<id>")
                || key.equals("plinth.plugins")
                || key.equals("plinth.storage")
                || key.equals("plinth.plugin")) {
            return true;
        }
        // Meter names (docs/operations.md) look like keys; they must be real meters.
        if (METER_NAMES.contains(key)) {
            return true;
        }
        // The logger of a plugin is named plinth.plugin.<id> (singular): a logger, not a key.
        if (key.startsWith("plinth.plugin.")) {
            return true;
        }
        // plinth.storage.<provider>.maxKeys: an option every provider must have.
        Matcher common =
                Pattern.compile("plinth\\.storage\\.<[a-z]+>\\.([A-Za-z]+)").matcher(key);
        if (common.matches()) {
            return providerOptions.values().stream().allMatch(options -> options.contains(common.group(1)));
        }
        Matcher plugin = Pattern.compile("plinth\\.plugins\\.([a-z0-9._-]+?)\\.([A-Za-z][A-Za-z0-9]*)")
                .matcher(key);
        if (plugin.matches()) {
            return true;
        }
        Matcher provider = Pattern.compile("plinth\\.storage\\.([a-z0-9]+)\\.([A-Za-z0-9<>]+)")
                .matcher(key);
        if (provider.matches()) {
            Set<String> options = providerOptions.get(provider.group(1));
            return options != null
                    && (options.contains(provider.group(2)) || provider.group(2).startsWith("<"));
        }
        return false;
    }

    private static Map<String, Set<String>> providerOptions() {
        Map<String, Set<String>> result = new TreeMap<>();
        for (StorageProvider p : ServiceLoader.load(StorageProvider.class)) {
            Set<String> names = new TreeSet<>();
            for (OptionSpec<?> o : p.options()) {
                names.add(o.name());
            }
            result.put(p.id(), names);
        }
        assertThat(result).containsKeys("memory", "sqlite", "redis");
        return result;
    }

    private static List<Path> documents() throws IOException {
        List<Path> docs = new ArrayList<>(
                List.of(ROOT.resolve("README.md"), ROOT.resolve("examples/src/dist/conf/plinth.properties")));
        try (Stream<Path> files = Files.walk(ROOT.resolve("docs"))) {
            files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        return docs;
    }
}
