package dev.plinth.core;

import dev.plinth.api.ConfigurationException;
import dev.plinth.api.plugin.Plugin;
import dev.plinth.api.plugin.PluginDescriptor;
import dev.plinth.api.plugin.PluginLifecycleException;
import dev.plinth.core.archive.ArchiveFolder;
import dev.plinth.core.archive.ArchiveRules;
import dev.plinth.core.archive.PluginArchive;
import dev.plinth.core.config.ConfigKeys;
import dev.plinth.core.config.ConfigValidator;
import dev.plinth.core.config.ConfigValues;
import dev.plinth.core.config.EffectiveConfig;
import dev.plinth.core.config.PlinthConfig;
import dev.plinth.core.config.ProviderConfigFactory;
import dev.plinth.core.config.RuntimeSettings;
import dev.plinth.core.discovery.BundledApiDetector;
import dev.plinth.core.discovery.DiscoveredPlugin;
import dev.plinth.core.discovery.PluginDiscovery;
import dev.plinth.core.discovery.ProviderCandidate;
import dev.plinth.core.discovery.ProviderDiscovery;
import dev.plinth.core.discovery.ProviderSelector;
import dev.plinth.spi.storage.ProviderConfig;
import dev.plinth.spi.storage.StorageProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything {@link PlinthRuntime#start()} decides before it opens anything: the plugins, the effective
 * configuration, the provider and its options, the settings, the disabled plugins and the start order.
 * Every configuration or graph error surfaces here, so a bad setup fails before storage is touched.
 *
 * @param plugins every plugin found (enabled or not)
 * @param config the effective configuration
 * @param providers the provider discovery result (one entry when the host supplied the provider)
 * @param provider the chosen provider
 * @param providerConfig its validated options
 * @param settings runtime-wide settings
 * @param disabled ids disabled by configuration
 * @param order enabled plugins in start order
 * @param archives the plugin archives read from the plugins folder (enabled or not); closed by whoever
 *     owns the plan when startup fails
 * @param folder the plugins folder, {@code null} when none is configured
 * @param watch whether to watch the folder ({@code plinth.plugins.watch})
 */
record StartupPlan(
        List<DiscoveredPlugin> plugins,
        EffectiveConfig config,
        ProviderDiscovery.Result providers,
        ProviderCandidate provider,
        ProviderConfig providerConfig,
        RuntimeSettings settings,
        Set<String> disabled,
        List<PluginDescriptor> order,
        List<PluginArchive> archives,
        @Nullable Path folder,
        boolean watch) {
    private static final Logger LOG = LoggerFactory.getLogger(StartupPlan.class);

    /**
     * @param config the raw configuration sources
     * @param loader where plugins and providers are discovered
     * @param discoverPlugins whether to look for plugins with the loader
     * @param registered plugins registered on the builder
     * @param explicitProvider the provider the host supplied, or {@code null} to discover one
     * @return the plan
     * @throws ConfigurationException for configuration and provider selection errors
     * @throws PluginLifecycleException (phase RESOLVE) for plugin discovery and graph errors
     */
    static StartupPlan resolve(
            PlinthConfig config,
            ClassLoader loader,
            boolean discoverPlugins,
            List<Plugin> registered,
            StorageProvider explicitProvider) {
        EffectiveConfig boot = config.resolve(ConfigKeys.FIXED_KEYS, List.of());
        Path folder = boot.get(ConfigKeys.PLUGINS_DIR)
                .map(Path::of)
                .or(() -> boot.get(ConfigKeys.HOME).map(home -> Path.of(home, "plugins")))
                .orElse(null);
        boolean watch = boot.get(ConfigKeys.PLUGINS_WATCH)
                .map(raw ->
                        ConfigValues.parseBoolean(ConfigKeys.PLUGINS_WATCH, boot.origin(ConfigKeys.PLUGINS_WATCH), raw))
                .orElse(false);
        if (watch && folder == null) {
            throw new ConfigurationException(
                    ConfigKeys.PLUGINS_WATCH,
                    ConfigKeys.PLUGINS_WATCH + "=true (from " + boot.origin(ConfigKeys.PLUGINS_WATCH)
                            + ") but there is no" + " plugins folder to watch: set " + ConfigKeys.PLUGINS_DIR);
        }
        List<PluginArchive> archives = folder == null ? List.of() : ArchiveFolder.read(folder);
        try {
            return resolve(config, loader, discoverPlugins, registered, explicitProvider, archives, folder, watch);
        } catch (RuntimeException | Error e) {
            archives.forEach(PluginArchive::close);
            throw e;
        }
    }

    private static StartupPlan resolve(
            PlinthConfig config,
            ClassLoader loader,
            boolean discoverPlugins,
            List<Plugin> registered,
            StorageProvider explicitProvider,
            List<PluginArchive> archives,
            @Nullable Path folder,
            boolean watch) {
        List<DiscoveredPlugin> found = PluginDiscovery.discover(discoverPlugins ? loader : null, registered);
        List<String> ids = found.stream().map(DiscoveredPlugin::id).collect(Collectors.toList());
        archives.forEach(a -> ids.add(a.descriptor().id()));

        ProviderDiscovery.Result providers;
        if (explicitProvider != null) {
            providers = new ProviderDiscovery.Result(List.of(ProviderCandidate.describe(explicitProvider)), List.of());
        } else {
            providers = ProviderDiscovery.discover(loader);
            if (!BundledApiDetector.copiesOf(loader, StorageProvider.class).isEmpty()) {
                LOG.warn(
                        "Found copies of the Plinth API on the class path besides the runtime's own:{}",
                        BundledApiDetector.explain(loader, StorageProvider.class));
            }
        }

        Set<String> known = new LinkedHashSet<>(ConfigKeys.FIXED_KEYS);
        for (ProviderCandidate c : providers.candidates()) {
            c.optionNames().forEach(o -> known.add(ConfigKeys.providerOption(c.id(), o)));
        }
        ids.forEach(id -> known.add(ConfigKeys.pluginOption(id, ConfigKeys.PLUGIN_ENABLED)));
        EffectiveConfig eff = config.resolve(known, ids);

        ConfigValidator.validateOutsideProviderSections(
                eff,
                providers.candidates().stream()
                        .collect(Collectors.toMap(ProviderCandidate::id, ProviderCandidate::optionNames, (a, b) -> a)));
        ProviderCandidate chosen = choose(eff, providers, explicitProvider != null);
        ConfigValidator.validate(
                eff,
                chosen.id(),
                chosen.optionNames(),
                providers.candidates().stream()
                        .filter(c -> !c.id().equals(chosen.id()))
                        .collect(Collectors.toMap(ProviderCandidate::id, ProviderCandidate::optionNames, (a, b) -> a)),
                ids);
        RuntimeSettings settings = RuntimeSettings.from(eff);
        ProviderConfig providerConfig = ProviderConfigFactory.create(chosen.provider(), chosen.options(), eff);

        Set<String> off = new TreeSet<>(ConfigValidator.disabledPlugins(eff, ids));
        off.forEach(id -> LOG.info(
                "Plugin '{}' is disabled by {}=false", id, ConfigKeys.pluginOption(id, ConfigKeys.PLUGIN_ENABLED)));
        List<ArchiveRules.Candidate> candidates = new ArrayList<>();
        found.forEach(p -> candidates.add(new ArchiveRules.Candidate(p.descriptor(), null, null)));
        archives.forEach(a -> candidates.add(new ArchiveRules.Candidate(
                a.descriptor().toPluginDescriptor(a.path().toString()), a.descriptor(), a.path())));
        List<PluginDescriptor> order = ArchiveRules.check(candidates, off);
        return new StartupPlan(
                List.copyOf(found),
                eff,
                providers,
                chosen,
                providerConfig,
                settings,
                Set.copyOf(off),
                List.copyOf(order),
                List.copyOf(archives),
                folder,
                watch);
    }

    private static ProviderCandidate choose(EffectiveConfig eff, ProviderDiscovery.Result providers, boolean explicit) {
        Optional<String> configured = eff.get(ConfigKeys.STORAGE_PROVIDER);
        if (!explicit) {
            return ProviderSelector.select(configured, eff.origin(ConfigKeys.STORAGE_PROVIDER), providers);
        }
        ProviderCandidate given = providers.candidates().get(0);
        if (configured.isPresent() && !configured.get().equals(given.id())) {
            throw new ConfigurationException(
                    ConfigKeys.STORAGE_PROVIDER,
                    ConfigKeys.STORAGE_PROVIDER + " is '"
                            + configured.get() + "' (from " + eff.origin(ConfigKeys.STORAGE_PROVIDER)
                            + ") but the host supplied storage provider '" + given.id() + "' explicitly.");
        }
        return given;
    }

    /** @return ids of every plugin found, on the class path and in archives */
    List<String> pluginIds() {
        List<String> ids = plugins.stream().map(DiscoveredPlugin::id).collect(Collectors.toList());
        archives.forEach(a -> ids.add(a.descriptor().id()));
        return ids;
    }

    /**
     * @param id a plugin id
     * @return its instance
     */
    Plugin instance(String id) {
        return plugins.stream()
                .filter(p -> p.id().equals(id))
                .findFirst()
                .map(DiscoveredPlugin::plugin)
                .orElseThrow(() -> new IllegalArgumentException(id));
    }
}
