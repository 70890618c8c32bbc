package dev.plinth.core.archive;

import dev.plinth.api.plugin.InvalidPluginIdException;
import dev.plinth.api.plugin.PluginDescriptor;
import dev.plinth.api.plugin.PluginIds;
import dev.plinth.core.plugins.PluginArchiveException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The descriptor of a plugin archive, {@value #RESOURCE} in the plugin jar:
 *
 * <pre>
 * id=storage-tools                        # required, a plugin id
 * version=1.2.0                           # required, semantic version
 * class=com.example.tools.ToolsPlugin     # optional; else the jar's one META-INF/services Plugin entry
 * requires=base@&gt;=1.0 &lt;2, audit          # optional, comma-separated id[@range]
 * optional=metrics@&gt;=2                    # optional, same form; ordered first and checked when present
 * plinth=&gt;=0.1 &lt;1                         # optional, the Plinth API versions it was built for; default any
 * exports=com.example.tools.api           # optional, packages its dependents may see
 * </pre>
 *
 * @param id the plugin id
 * @param version its version
 * @param pluginClass the plugin class name, empty to use the jar's service entry
 * @param requires required dependencies
 * @param optional optional dependencies
 * @param plinthRange the Plinth API versions it accepts
 * @param exports packages visible to plugins that depend on it
 */
public record ArchiveDescriptor(
        String id,
        SemVer version,
        Optional<String> pluginClass,
        List<Dependency> requires,
        List<Dependency> optional,
        VersionRange plinthRange,
        Set<String> exports) {
    /** Where the descriptor lives in the plugin jar. */
    public static final String RESOURCE = "META-INF/plinth-plugin.properties";

    private static final Set<String> KEYS =
            Set.of("id", "version", "class", "requires", "optional", "plinth", "exports");

    /**
     * One dependency as declared.
     *
     * @param id the plugin depended on
     * @param range the versions accepted
     */
    public record Dependency(String id, VersionRange range) {
        @Override
        public String toString() {
            return range.equals(VersionRange.ANY) ? id : id + "@" + range;
        }
    }

    /**
     * @param props the descriptor's properties
     * @param archive the archive, for messages
     * @return the descriptor
     * @throws PluginArchiveException when a key is missing, unknown or malformed; the message names the
     *     archive and the key
     */
    static ArchiveDescriptor parse(Properties props, Path archive) {
        for (String key : props.stringPropertyNames()) {
            if (!KEYS.contains(key)) {
                throw bad(
                        null,
                        archive,
                        "unknown key '" + key + "' (known: " + String.join(", ", new java.util.TreeSet<>(KEYS)) + ")",
                        null);
            }
        }
        String id = required(props, "id", null, archive);
        try {
            PluginIds.validate(id);
        } catch (InvalidPluginIdException e) {
            throw bad(null, archive, "id: " + e.getMessage(), e);
        }
        SemVer version;
        try {
            version = SemVer.parse(required(props, "version", id, archive));
        } catch (IllegalArgumentException e) {
            throw bad(id, archive, "version: " + e.getMessage(), e);
        }
        VersionRange plinth;
        try {
            plinth = VersionRange.parse(props.getProperty("plinth", "*"));
        } catch (IllegalArgumentException e) {
            throw bad(id, archive, "plinth: " + e.getMessage(), e);
        }
        Optional<String> cls = Optional.ofNullable(props.getProperty("class"))
                .map(String::trim)
                .filter(s -> !s.isEmpty());
        Set<String> exports =
                list(props.getProperty("exports", "")).stream().collect(Collectors.toCollection(LinkedHashSet::new));
        return new ArchiveDescriptor(
                id,
                version,
                cls,
                dependencies(props, "requires", id, archive),
                dependencies(props, "optional", id, archive),
                plinth,
                Set.copyOf(exports));
    }

    private static String required(Properties props, String key, String id, Path archive) {
        String v = props.getProperty(key);
        if (v == null || v.isBlank()) {
            throw bad(id, archive, "the required key '" + key + "' is missing", null);
        }
        return v.trim();
    }

    private static List<Dependency> dependencies(Properties props, String key, String id, Path archive) {
        List<Dependency> out = new ArrayList<>();
        for (String item : list(props.getProperty(key, ""))) {
            int at = item.indexOf('@');
            String dep = at < 0 ? item : item.substring(0, at).trim();
            try {
                PluginIds.validate(dep);
                VersionRange range = at < 0 ? VersionRange.ANY : VersionRange.parse(item.substring(at + 1));
                if (dep.equals(id)) {
                    throw new IllegalArgumentException("a plugin cannot depend on itself");
                }
                out.add(new Dependency(dep, range));
            } catch (IllegalArgumentException e) {
                throw bad(id, archive, key + " '" + item + "': " + e.getMessage(), e);
            }
        }
        return List.copyOf(out);
    }

    private static List<String> list(String raw) {
        List<String> out = new ArrayList<>();
        for (String s : raw.split(",", -1)) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }

    private static PluginArchiveException bad(String id, Path archive, String what, Throwable cause) {
        return new PluginArchiveException(
                id, archive, "Plugin archive " + archive + ": " + RESOURCE + " is invalid: " + what, cause);
    }

    /**
     * @param source where the plugin came from
     * @return the runtime's descriptor of this plugin
     */
    public PluginDescriptor toPluginDescriptor(String source) {
        return new PluginDescriptor(
                id,
                version.toString(),
                requires.stream().map(Dependency::id).collect(Collectors.toSet()),
                optional.stream().map(Dependency::id).collect(Collectors.toSet()),
                source);
    }

    /** @return every dependency, required first, each as {@code id[@range]} with optional ones ending in {@code ?} */
    public List<String> describeDependencies() {
        List<String> out = new ArrayList<>();
        requires.forEach(d -> out.add(d.toString()));
        optional.forEach(d -> out.add(d + "?"));
        return out;
    }
}
