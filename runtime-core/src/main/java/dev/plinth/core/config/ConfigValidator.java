package dev.plinth.core.config;

import dev.plinth.api.ConfigurationException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rejects configuration keys the runtime does not know, before anything is opened, so a typo fails
 * startup instead of being ignored.
 *
 * <p>Checked: every key outside {@code plinth.plugins.}: it must be a fixed key of {@link ConfigKeys}, an
 * option of the selected provider, or an option of another discovered provider (so one file can serve
 * several deployments, and a typo in a section not used today still fails instead of waiting to bite). Plugin sections are the plugins' business; a section naming no present
 * plugin is logged as a warning. The exception names the key and its origin and suggests the nearest
 * known key; it never contains a value.
 */
public final class ConfigValidator {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigValidator.class);

    private ConfigValidator() {}

    /**
     * @param config the effective configuration
     * @param selectedProvider id of the selected provider
     * @param selectedOptions its option names
     * @param otherProviders the other discovered providers: id to option names
     * @param pluginIds ids of the present plugins (enabled or not)
     * @throws ConfigurationException for the first unknown key in alphabetical order
     */
    public static void validate(
            EffectiveConfig config,
            String selectedProvider,
            Collection<String> selectedOptions,
            Map<String, ? extends Collection<String>> otherProviders,
            Collection<String> pluginIds) {
        String selectedSection = ConfigKeys.providerSection(selectedProvider);
        for (String key : config.keys()) {
            if (key.startsWith(ConfigKeys.PLUGINS_PREFIX) && !ConfigKeys.FIXED_KEYS.contains(key)) {
                if (EffectiveConfig.owner(key, pluginIds).isEmpty()) {
                    LOG.warn(
                            "Configuration key {} (from {}) belongs to no present plugin; unused until a plugin of that id is installed",
                            key,
                            config.origin(key));
                }
                continue;
            }
            if (ConfigKeys.FIXED_KEYS.contains(key)) {
                continue;
            }
            if (key.startsWith(selectedSection)) {
                checkProviderOption(config, key, selectedProvider, selectedOptions);
                continue;
            }
            String other = otherProviders.keySet().stream()
                    .filter(id -> key.startsWith(ConfigKeys.providerSection(id)))
                    .findFirst()
                    .orElse(null);
            if (other != null) {
                checkProviderOption(config, key, other, otherProviders.get(other));
                LOG.debug("Configuration key {} is for a storage provider that is not selected; not used", key);
                continue;
            }
            List<String> known = new ArrayList<>(ConfigKeys.FIXED_KEYS);
            selectedOptions.forEach(o -> known.add(selectedSection + o));
            throw unknownKey(config, key, known);
        }
    }

    /**
     * The part of {@link #validate} that needs no chosen provider, run before choosing one: every key outside
     * {@code plinth.plugins.} and outside the sections of the discovered providers must be a fixed key. So
     * {@code plinth.storage.providr} is named, with its nearest key, instead of provider selection
     * reporting that {@code plinth.storage.provider} is not set.
     *
     * @param config the effective configuration
     * @param providers every discovered provider: id to option names
     * @throws ConfigurationException for the first unknown key in alphabetical order
     */
    public static void validateOutsideProviderSections(
            EffectiveConfig config, Map<String, ? extends Collection<String>> providers) {
        for (String key : config.keys()) {
            if (key.startsWith(ConfigKeys.PLUGINS_PREFIX)
                    || ConfigKeys.FIXED_KEYS.contains(key)
                    || providers.keySet().stream().anyMatch(id -> key.startsWith(ConfigKeys.providerSection(id)))) {
                continue;
            }
            List<String> known = new ArrayList<>(ConfigKeys.FIXED_KEYS);
            providers.forEach((id, options) -> options.forEach(o -> known.add(ConfigKeys.providerOption(id, o))));
            throw unknownKey(config, key, known);
        }
    }

    private static ConfigurationException unknownKey(EffectiveConfig config, String key, List<String> known) {
        // The section check first: a misspelled plugins section is closer in intent than any fixed key.
        Optional<String> near = misspelledPluginsSection(key).or(() -> Levenshtein.nearest(key, known));
        String hint = near.map(n -> " Did you mean '" + n + "'?")
                .orElse(" Known keys: " + String.join(", ", known) + ", " + ConfigKeys.PLUGINS_PREFIX
                        + "<pluginId>.<option>");
        String where = key.startsWith(ConfigKeys.PREFIX) ? "" : " Keys start with '" + ConfigKeys.PREFIX + "'.";
        return new ConfigurationException(
                key, "Unknown configuration key '" + key + "' (from " + config.origin(key) + ")." + where + hint);
    }

    private static void checkProviderOption(
            EffectiveConfig config, String key, String provider, Collection<String> options) {
        String section = ConfigKeys.providerSection(provider);
        String option = key.substring(section.length());
        if (!options.contains(option)) {
            Optional<String> near = Levenshtein.nearest(option, options);
            throw new ConfigurationException(
                    key,
                    "Unknown configuration key '" + key + "' (from "
                            + config.origin(key) + "): storage provider '" + provider + "' has no option '"
                            + option + "'."
                            + near.map(n -> " Did you mean '" + section + n + "'?")
                                    .orElse("")
                            + " Its options: " + String.join(", ", options));
        }
    }

    /** {@code plinth.plugin.web.port} and the like: a plugin key whose section name is misspelled. */
    private static Optional<String> misspelledPluginsSection(String key) {
        String[] parts = key.split("\\.", 3);
        String section =
                ConfigKeys.PLUGINS_PREFIX.substring(ConfigKeys.PREFIX.length(), ConfigKeys.PLUGINS_PREFIX.length() - 1);
        if (parts.length == 3
                && parts[0].equals("plinth")
                && !parts[1].equals(section)
                && Levenshtein.distance(parts[1], section) <= 2
                && parts[2].contains(".")) {
            return Optional.of(ConfigKeys.PLUGINS_PREFIX + parts[2]);
        }
        return Optional.empty();
    }

    /**
     * @param config the effective configuration
     * @param pluginIds ids of the present plugins
     * @return ids whose {@code plinth.plugins.<id>.enabled} is {@code false}
     * @throws ConfigurationException naming the key when an {@code enabled} value is not true/false
     */
    public static List<String> disabledPlugins(EffectiveConfig config, Collection<String> pluginIds) {
        List<String> disabled = new ArrayList<>();
        for (String id : pluginIds) {
            String key = ConfigKeys.pluginOption(id, ConfigKeys.PLUGIN_ENABLED);
            Map<String, String> section = config.pluginSection(id, pluginIds);
            String raw = section.get(ConfigKeys.PLUGIN_ENABLED);
            if (raw != null && !ConfigValues.parseBoolean(key, config.origin(key), raw)) {
                disabled.add(id);
            }
        }
        return disabled;
    }
}
