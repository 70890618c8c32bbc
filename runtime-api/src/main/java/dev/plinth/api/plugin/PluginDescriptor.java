package dev.plinth.api.plugin;

import java.util.Objects;
import java.util.Set;

/**
 * What the runtime knows about a plugin without calling it: id, version, dependencies and where it came
 * from. Immutable and thread-safe.
 *
 * @param id the plugin id, valid per {@link PluginIds}
 * @param version the plugin version, never {@code null}
 * @param requiredDependencies ids that must be present, never {@code null}
 * @param optionalDependencies ids ordered before this plugin when present, never {@code null}
 * @param source where the plugin came from, for diagnostics (a jar path, or {@code "registered"})
 */
public record PluginDescriptor(
        String id, String version, Set<String> requiredDependencies, Set<String> optionalDependencies, String source) {

    /**
     * Validates and copies the arguments.
     *
     * @param id the plugin id
     * @param version the version
     * @param requiredDependencies required dependency ids
     * @param optionalDependencies optional dependency ids
     * @param source where the plugin came from
     * @throws InvalidPluginIdException when {@code id} or a dependency id breaks the grammar
     * @throws NullPointerException when any argument is {@code null}
     */
    public PluginDescriptor {
        PluginIds.validate(id);
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(source, "source");
        requiredDependencies = Set.copyOf(requiredDependencies);
        optionalDependencies = Set.copyOf(optionalDependencies);
        requiredDependencies.forEach(PluginIds::validate);
        optionalDependencies.forEach(PluginIds::validate);
    }

    /**
     * Describes a plugin instance by calling its accessor methods once.
     *
     * @param plugin the plugin
     * @param source where it came from
     * @return its descriptor
     * @throws InvalidPluginIdException when its id or a dependency id breaks the grammar
     */
    public static PluginDescriptor of(Plugin plugin, String source) {
        return new PluginDescriptor(
                plugin.id(), plugin.version(), plugin.requiredDependencies(), plugin.optionalDependencies(), source);
    }
}
