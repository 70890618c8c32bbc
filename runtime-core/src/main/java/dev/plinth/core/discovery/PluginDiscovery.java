package dev.plinth.core.discovery;

import dev.plinth.api.plugin.InvalidPluginIdException;
import dev.plinth.api.plugin.Plugin;
import dev.plinth.api.plugin.PluginDescriptor;
import dev.plinth.api.plugin.PluginLifecycleException;
import dev.plinth.api.plugin.PluginLifecycleException.Phase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Collects the plugins of one runtime: those registered on the builder (source {@code "registered"}) and,
 * when a loader is given, those found by {@code ServiceLoader.load(Plugin.class, loader)} (source: the jar
 * or directory of the plugin class). Any plugin that cannot be loaded, an invalid id and a duplicate id
 * fail with {@link PluginLifecycleException} in phase {@code RESOLVE}; a duplicate names both sources.
 */
public final class PluginDiscovery {
    /** The source recorded for plugins registered programmatically. */
    public static final String REGISTERED = "registered";

    private PluginDiscovery() {}

    /**
     * @param loader the loader to search, or {@code null} to use only {@code registered}
     * @param registered plugins registered on the builder, in registration order
     * @return every plugin, registered ones first, then discovered ones in service-file order
     * @throws PluginLifecycleException (phase RESOLVE) when a plugin cannot be loaded or ids clash
     */
    public static List<DiscoveredPlugin> discover(ClassLoader loader, List<Plugin> registered) {
        List<DiscoveredPlugin> all = new ArrayList<>();
        for (Plugin p : registered) {
            all.add(describe(p, REGISTERED));
        }
        if (loader != null) {
            try {
                for (ServiceLoader.Provider<Plugin> entry :
                        ServiceLoader.load(Plugin.class, loader).stream().toList()) {
                    String location = CodeSources.location(entry.type());
                    Plugin p;
                    try {
                        p = entry.get();
                    } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                        throw new PluginLifecycleException(
                                null,
                                Phase.RESOLVE,
                                "Plugin " + entry.type().getName()
                                        + " (" + location + ") could not be instantiated: " + e
                                        + (e.getCause() == null ? "" : " (caused by " + e.getCause() + ")"),
                                e);
                    }
                    all.add(describe(p, location));
                }
            } catch (ServiceConfigurationError e) {
                throw new PluginLifecycleException(
                        null,
                        Phase.RESOLVE,
                        "A plugin could not be loaded: " + e.getMessage() + "."
                                + BundledApiDetector.explain(loader, Plugin.class),
                        e);
            }
        }
        Map<String, DiscoveredPlugin> byId = new LinkedHashMap<>();
        for (DiscoveredPlugin d : all) {
            DiscoveredPlugin earlier = byId.putIfAbsent(d.id(), d);
            if (earlier != null) {
                throw new PluginLifecycleException(
                        d.id(),
                        Phase.RESOLVE,
                        "Duplicate plugin id '" + d.id() + "': " + earlier.label() + " and " + d.label()
                                + ". Remove one of them.",
                        null);
            }
        }
        return all;
    }

    private static DiscoveredPlugin describe(Plugin p, String source) {
        try {
            return new DiscoveredPlugin(p, PluginDescriptor.of(p, source));
        } catch (InvalidPluginIdException e) {
            throw new PluginLifecycleException(
                    e.id(),
                    Phase.RESOLVE,
                    "Plugin " + p.getClass().getName() + " (" + source + ") has an invalid id or dependency id: "
                            + e.getMessage(),
                    e);
        } catch (RuntimeException e) {
            throw new PluginLifecycleException(
                    null,
                    Phase.RESOLVE,
                    "Plugin " + p.getClass().getName() + " (" + source + ") could not be described: " + e,
                    e);
        }
    }
}
