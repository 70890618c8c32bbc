package dev.plinth.core.archive;

import dev.plinth.api.plugin.PluginDescriptor;
import dev.plinth.api.plugin.PluginLifecycleException;
import dev.plinth.core.lifecycle.DependencyGraph;
import dev.plinth.core.plugins.PluginArchiveException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The rules a set of plugins must meet before any of them is loaded: every archive was built for this
 * Plinth API, every dependency an archive declares is present in the version range it asks for (optional
 * ones when present), no id is taken twice, and the dependencies form no cycle. The same check runs at
 * startup and before every run-time change, on the set as it would be after the change, so a refused
 * change changes nothing. Stateless.
 */
public final class ArchiveRules {
    /**
     * The version of the Plinth plugin API this runtime implements, matched against an archive's
     * {@code plinth=} range. Moves with the project version (0.x: the API may still change).
     */
    public static final SemVer PLINTH_API = SemVer.parse("0.1.0");

    private ArchiveRules() {}

    /**
     * One plugin as the rules see it.
     *
     * @param descriptor its runtime descriptor (version, dependency ids, source)
     * @param archive its archive descriptor, {@code null} for a class-path or registered plugin
     * @param path its archive, {@code null} for a class-path or registered plugin
     */
    public record Candidate(
            PluginDescriptor descriptor,
            @Nullable ArchiveDescriptor archive,
            @Nullable Path path) {
        String id() {
            return descriptor.id();
        }

        String label() {
            return path != null ? "plugin archive " + path : descriptor.source();
        }
    }

    /**
     * @param all every plugin, enabled or not
     * @param disabled ids disabled by configuration
     * @return the enabled plugins in start order
     * @throws PluginArchiveException when an archive breaks a rule: the message names the archive and the
     *     rule
     * @throws PluginLifecycleException (phase RESOLVE) for a graph error between class-path plugins only
     */
    public static List<PluginDescriptor> check(Collection<Candidate> all, Set<String> disabled) {
        Map<String, Candidate> byId = new LinkedHashMap<>();
        for (Candidate c : all) {
            Candidate earlier = byId.putIfAbsent(c.id(), c);
            if (earlier != null) {
                Candidate blamed = c.path() != null ? c : earlier;
                throw new PluginArchiveException(
                        c.id(),
                        blamed.path() == null ? Path.of(blamed.descriptor().source()) : blamed.path(),
                        "Duplicate plugin id '" + c.id() + "': " + earlier.label() + " and " + c.label()
                                + ". Remove one of them.",
                        null);
            }
        }
        for (Candidate c : byId.values()) {
            ArchiveDescriptor a = c.archive();
            if (a == null || disabled.contains(c.id())) {
                continue;
            }
            if (!a.plinthRange().contains(PLINTH_API)) {
                throw refuse(
                        c,
                        "it was built for Plinth API " + a.plinthRange() + " (plinth=) but this runtime is "
                                + PLINTH_API);
            }
            for (ArchiveDescriptor.Dependency d : a.requires()) {
                Candidate dep = byId.get(d.id());
                if (dep == null) {
                    throw refuse(c, "it requires plugin '" + d + "', which is not installed");
                }
                checkRange(c, d, dep);
            }
            for (ArchiveDescriptor.Dependency d : a.optional()) {
                Candidate dep = byId.get(d.id());
                if (dep != null && !disabled.contains(d.id())) {
                    checkRange(c, d, dep);
                }
            }
        }
        try {
            return DependencyGraph.order(
                    byId.values().stream().map(Candidate::descriptor).collect(Collectors.toList()), disabled);
        } catch (PluginLifecycleException e) {
            List<String> archives = new ArrayList<>();
            Path first = null;
            Set<String> named = new java.util.HashSet<>(
                    java.util.Arrays.asList(e.getMessage().split("[^a-z0-9._-]+", -1)));
            for (Candidate c : byId.values()) {
                if (c.path() != null && named.contains(c.id())) {
                    archives.add(c.id() + ": " + c.path());
                    first = first == null ? c.path() : first;
                }
            }
            if (first == null) {
                throw e;
            }
            throw new PluginArchiveException(
                    e.pluginId(), first, e.getMessage() + " (plugin archives: " + String.join(", ", archives) + ")", e);
        }
    }

    private static void checkRange(Candidate c, ArchiveDescriptor.Dependency d, Candidate dep) {
        if (d.range().equals(VersionRange.ANY)) {
            return;
        }
        SemVer v;
        try {
            v = SemVer.parse(dep.descriptor().version());
        } catch (IllegalArgumentException e) {
            throw refuse(
                    c,
                    "it requires plugin '" + d + "', but '" + d.id() + "' (" + dep.label() + ") has version '"
                            + dep.descriptor().version() + "', which is not a semantic version");
        }
        if (!d.range().contains(v)) {
            throw refuse(
                    c,
                    "it requires plugin '" + d + "', but '" + d.id() + "' is version " + v + " (" + dep.label() + ")");
        }
    }

    private static PluginArchiveException refuse(Candidate c, String rule) {
        return new PluginArchiveException(
                c.id(),
                c.path(),
                "Plugin archive " + c.path() + " (plugin '" + c.id() + "') was refused: " + rule,
                null);
    }
}
