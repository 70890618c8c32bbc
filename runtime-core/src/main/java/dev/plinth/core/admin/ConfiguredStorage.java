package dev.plinth.core.admin;

import dev.plinth.api.ConfigurationException;
import dev.plinth.core.config.ConfigKeys;
import dev.plinth.core.config.ConfigValidator;
import dev.plinth.core.config.EffectiveConfig;
import dev.plinth.core.config.PlinthConfig;
import dev.plinth.core.config.ProviderConfigFactory;
import dev.plinth.core.config.RuntimeSettings;
import dev.plinth.core.config.StorageSettings;
import dev.plinth.core.discovery.ProviderCandidate;
import dev.plinth.core.discovery.ProviderDiscovery;
import dev.plinth.core.discovery.ProviderSelector;
import dev.plinth.spi.storage.ProviderConfig;
import dev.plinth.spi.storage.StorageProvider;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The provider, options and settings a runtime with a configuration would open, resolved the way
 * {@link dev.plinth.core.PlinthRuntime#start()} resolves them (discovery, selection, unknown-key validation,
 * option parsing), minus the plugins: an operator tool need not have them on its class path, so every
 * {@code plinth.plugins.<id>.} section counts as a present plugin's.
 */
record ConfiguredStorage(StorageProvider provider, ProviderConfig config, StorageSettings settings) {

    static ConfiguredStorage resolve(PlinthConfig config, ClassLoader loader) {
        ProviderDiscovery.Result providers = ProviderDiscovery.discover(loader);
        Set<String> known = new LinkedHashSet<>(ConfigKeys.FIXED_KEYS);
        for (ProviderCandidate c : providers.candidates()) {
            c.optionNames().forEach(o -> known.add(ConfigKeys.providerOption(c.id(), o)));
        }
        EffectiveConfig first = config.resolve(known, List.of());
        List<String> pluginIds = pluginSections(first.keys());
        EffectiveConfig eff = config.resolve(known, pluginIds);
        Map<String, List<String>> options = providers.candidates().stream()
                .collect(Collectors.toMap(ProviderCandidate::id, ProviderCandidate::optionNames, (a, b) -> a));
        ConfigValidator.validateOutsideProviderSections(eff, options);
        ProviderCandidate chosen = ProviderSelector.select(
                eff.get(ConfigKeys.STORAGE_PROVIDER), eff.origin(ConfigKeys.STORAGE_PROVIDER), providers);
        Map<String, List<String>> others = options.entrySet().stream()
                .filter(e -> !e.getKey().equals(chosen.id()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        ConfigValidator.validate(eff, chosen.id(), chosen.optionNames(), others, pluginIds);
        RuntimeSettings settings = RuntimeSettings.from(eff);
        ProviderConfig pc = ProviderConfigFactory.create(chosen.provider(), chosen.options(), eff);
        return new ConfiguredStorage(chosen.provider(), pc, settings.storage());
    }

    static ConfiguredStorage direct(String providerId, Map<String, String> options, ClassLoader loader) {
        ProviderDiscovery.Result providers = ProviderDiscovery.discover(loader);
        ProviderCandidate chosen = providers.candidates().stream()
                .filter(c -> c.id().equals(providerId))
                .findFirst()
                .orElseThrow(() -> new ConfigurationException(
                        null,
                        "Unknown storage provider '" + providerId + "'; found: "
                                + providers.candidates().stream()
                                        .map(ProviderCandidate::id)
                                        .sorted()
                                        .toList()));
        ProviderConfig.Builder b = ProviderConfig.builder(chosen.provider());
        for (Map.Entry<String, String> o : options.entrySet()) {
            String key = ConfigKeys.providerOption(providerId, o.getKey());
            try {
                b.set(o.getKey(), o.getValue());
            } catch (IllegalArgumentException e) {
                boolean secret =
                        chosen.options().stream().anyMatch(spec -> spec.name().equals(o.getKey()) && spec.secret());
                throw new ConfigurationException(
                        key,
                        "Invalid option " + key + ": "
                                + (secret ? "invalid value (not shown: secret)" : e.getMessage()));
            }
        }
        try {
            return new ConfiguredStorage(chosen.provider(), b.build(), StorageSettings.defaults());
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(
                    null, "Storage provider '" + providerId + "' rejected its options: " + e.getMessage(), e);
        }
    }

    /** @return the ids of the providers discoverable with {@code loader} */
    static Set<String> providerIds(ClassLoader loader) {
        return ProviderDiscovery.discover(loader).candidates().stream()
                .map(ProviderCandidate::id)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static List<String> pluginSections(Collection<String> keys) {
        Set<String> ids = new TreeSet<>();
        for (String k : keys) {
            if (k.startsWith(ConfigKeys.PLUGINS_PREFIX)) {
                String rest = k.substring(ConfigKeys.PLUGINS_PREFIX.length());
                int dot = rest.indexOf('.');
                if (dot > 0) {
                    ids.add(rest.substring(0, dot));
                }
            }
        }
        return List.copyOf(ids);
    }
}
