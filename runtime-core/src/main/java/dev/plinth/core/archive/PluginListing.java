package dev.plinth.core.archive;

import dev.plinth.api.plugin.PluginDescriptor;
import dev.plinth.api.plugin.PluginLifecycleException;
import dev.plinth.core.config.ConfigKeys;
import dev.plinth.core.config.ConfigValidator;
import dev.plinth.core.config.EffectiveConfig;
import dev.plinth.core.config.PlinthConfig;
import dev.plinth.core.discovery.DiscoveredPlugin;
import dev.plinth.core.discovery.PluginDiscovery;
import dev.plinth.core.plugins.PluginArchiveException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@code --list-plugins} prints, without starting anything: every plugin on the class path and every
 * archive in the plugins folder, each {@code ready}, {@code disabled} or {@code refused} with the rule it
 * broke. Unlike startup, which stops at the first refusal, this goes on: a refused plugin is set aside and
 * the rest checked again, so each line says why that plugin would not start. Stateless.
 */
public final class PluginListing {
    private PluginListing() {}

    /**
     * One line of the listing.
     *
     * @param id the plugin id, or {@code null} for an archive that could not be read
     * @param version its version, or {@code null}
     * @param source its archive or class-path location
     * @param state {@code ready}, {@code disabled} or {@code refused}
     * @param dependencies as declared
     * @param reason why it would not start, or {@code null}
     */
    public record Line(
            String id, String version, String source, String state, List<String> dependencies, String reason) {
        @Override
        public String toString() {
            return "plugin " + (id == null ? "?" : id) + " " + (version == null ? "?" : version) + " " + source + " "
                    + state + " deps=" + dependencies + (reason == null ? "" : " reason=" + reason);
        }
    }

    /**
     * @param config the configuration ({@code plinth.plugins.dir}, {@code plinth.home}, {@code enabled})
     * @param loader where class-path plugins are discovered
     * @return one line per plugin and per unreadable archive
     */
    public static List<Line> list(PlinthConfig config, ClassLoader loader) {
        EffectiveConfig boot = config.resolve(ConfigKeys.FIXED_KEYS, List.of());
        Optional<Path> folder = boot.get(ConfigKeys.PLUGINS_DIR)
                .map(Path::of)
                .or(() -> boot.get(ConfigKeys.HOME).map(home -> Path.of(home, "plugins")));
        List<Line> lines = new ArrayList<>();
        Map<String, ArchiveRules.Candidate> candidates = new LinkedHashMap<>();
        try {
            for (DiscoveredPlugin p : PluginDiscovery.discover(loader, List.of())) {
                candidates.put(p.id(), new ArchiveRules.Candidate(p.descriptor(), null, null));
            }
        } catch (PluginLifecycleException e) {
            lines.add(new Line(e.pluginId(), null, "class path", "refused", List.of(), e.getMessage()));
        }
        List<PluginArchive> read = new ArrayList<>();
        try {
            for (Path f : folder.map(ArchiveFolder::list).orElse(List.of())) {
                try {
                    PluginArchive a = PluginArchive.read(f);
                    read.add(a);
                    ArchiveRules.Candidate c = new ArchiveRules.Candidate(
                            a.descriptor().toPluginDescriptor(a.path().toString()), a.descriptor(), a.path());
                    ArchiveRules.Candidate earlier =
                            candidates.putIfAbsent(c.descriptor().id(), c);
                    if (earlier != null) {
                        lines.add(line(
                                c,
                                "refused",
                                "Duplicate plugin id '" + c.descriptor().id() + "': also "
                                        + earlier.descriptor().source()));
                    }
                } catch (PluginArchiveException e) {
                    lines.add(new Line(e.pluginId(), null, f.toString(), "refused", List.of(), e.getMessage()));
                }
            }
        } catch (PluginArchiveException e) {
            lines.add(new Line(null, null, folder.get().toString(), "refused", List.of(), e.getMessage()));
        } finally {
            read.forEach(PluginArchive::close);
        }
        EffectiveConfig eff = config.resolve(ConfigKeys.FIXED_KEYS, candidates.keySet());
        Set<String> disabled = new TreeSet<>(ConfigValidator.disabledPlugins(eff, candidates.keySet()));
        Map<String, String> refused = new LinkedHashMap<>();
        while (true) {
            Map<String, ArchiveRules.Candidate> left = new LinkedHashMap<>(candidates);
            refused.keySet().forEach(left::remove);
            try {
                ArchiveRules.check(left.values(), disabled);
                break;
            } catch (PluginLifecycleException e) {
                String blamed = e.pluginId() != null && left.containsKey(e.pluginId())
                        ? e.pluginId()
                        : left.keySet().stream()
                                .filter(id -> e.getMessage().contains(id))
                                .findFirst()
                                .orElse(null);
                if (blamed == null) {
                    lines.add(new Line(null, null, "plugin graph", "refused", List.of(), e.getMessage()));
                    break;
                }
                refused.put(blamed, e.getMessage());
            }
        }
        for (ArchiveRules.Candidate c : candidates.values()) {
            String id = c.descriptor().id();
            String state = refused.containsKey(id) ? "refused" : disabled.contains(id) ? "disabled" : "ready";
            String reason = refused.containsKey(id)
                    ? refused.get(id)
                    : disabled.contains(id) ? ConfigKeys.pluginOption(id, ConfigKeys.PLUGIN_ENABLED) + "=false" : null;
            lines.add(line(c, state, reason));
        }
        return lines;
    }

    private static Line line(ArchiveRules.Candidate c, String state, String reason) {
        PluginDescriptor d = c.descriptor();
        List<String> deps = c.archive() != null
                ? c.archive().describeDependencies()
                : new ArrayList<>(new TreeSet<>(d.requiredDependencies()));
        return new Line(d.id(), d.version(), d.source(), state, deps, reason);
    }
}
