package dev.plinth.core.lifecycle;

import dev.plinth.api.plugin.PluginDescriptor;
import dev.plinth.api.plugin.PluginLifecycleException;
import dev.plinth.api.plugin.PluginLifecycleException.Phase;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Orders plugins so that each comes after its required and present optional dependencies. The order is
 * stable: among plugins ready at the same time, the smaller id comes first. A disabled plugin counts as
 * absent.
 */
public final class DependencyGraph {
    private DependencyGraph() {}

    /**
     * @param present every plugin found, enabled or not
     * @param disabled ids disabled by configuration
     * @return the enabled plugins in init/start order
     * @throws PluginLifecycleException in phase RESOLVE: a required dependency is missing or disabled
     *     (naming both plugins), or the dependencies form a cycle (naming the path {@code a -> b -> a},
     *     where {@code ->} reads "depends on")
     */
    public static List<PluginDescriptor> order(Collection<PluginDescriptor> present, Set<String> disabled) {
        Map<String, PluginDescriptor> active = new TreeMap<>();
        Set<String> presentIds = new TreeSet<>();
        for (PluginDescriptor d : present) {
            presentIds.add(d.id());
            if (!disabled.contains(d.id())) {
                active.put(d.id(), d);
            }
        }
        Map<String, Set<String>> dependsOn = new TreeMap<>();
        for (PluginDescriptor d : active.values()) {
            Set<String> deps = new TreeSet<>();
            for (String req : new TreeSet<>(d.requiredDependencies())) {
                if (!presentIds.contains(req)) {
                    throw new PluginLifecycleException(
                            d.id(),
                            Phase.RESOLVE,
                            "Plugin '" + d.id() + "' requires plugin '" + req + "', which is not present.",
                            null);
                }
                if (disabled.contains(req)) {
                    throw new PluginLifecycleException(
                            d.id(),
                            Phase.RESOLVE,
                            "Plugin '" + d.id()
                                    + "' requires plugin '" + req + "', which is disabled (plinth.plugins." + req
                                    + ".enabled=false).",
                            null);
                }
                deps.add(req);
            }
            for (String opt : d.optionalDependencies()) {
                if (active.containsKey(opt)) {
                    deps.add(opt);
                }
            }
            dependsOn.put(d.id(), deps);
        }
        Map<String, Integer> waitingFor = new HashMap<>();
        Map<String, List<String>> dependents = new HashMap<>();
        dependsOn.forEach((id, deps) -> {
            waitingFor.put(id, deps.size());
            deps.forEach(dep ->
                    dependents.computeIfAbsent(dep, k -> new ArrayList<>()).add(id));
        });
        PriorityQueue<String> ready = new PriorityQueue<>();
        waitingFor.forEach((id, n) -> {
            if (n == 0) {
                ready.add(id);
            }
        });
        List<PluginDescriptor> ordered = new ArrayList<>(active.size());
        while (!ready.isEmpty()) {
            String id = ready.poll();
            ordered.add(active.get(id));
            for (String dependent : dependents.getOrDefault(id, List.of())) {
                if (waitingFor.merge(dependent, -1, Integer::sum) == 0) {
                    ready.add(dependent);
                }
            }
        }
        if (ordered.size() < active.size()) {
            Set<String> stuck = new TreeSet<>(active.keySet());
            ordered.forEach(d -> stuck.remove(d.id()));
            List<String> cycle = findCycle(stuck, dependsOn);
            throw new PluginLifecycleException(
                    null, Phase.RESOLVE, "Plugin dependencies form a cycle: " + String.join(" -> ", cycle), null);
        }
        return ordered;
    }

    /** Walks dependencies from the smallest stuck id until a plugin repeats; every stuck plugin waits on one. */
    private static List<String> findCycle(Set<String> stuck, Map<String, Set<String>> dependsOn) {
        List<String> path = new ArrayList<>();
        String current = stuck.iterator().next();
        while (!path.contains(current)) {
            path.add(current);
            String next = null;
            for (String dep : dependsOn.get(current)) {
                if (stuck.contains(dep)) {
                    next = dep;
                    break;
                }
            }
            current = next;
        }
        List<String> cycle = new ArrayList<>(path.subList(path.indexOf(current), path.size()));
        cycle.add(current);
        return cycle;
    }
}
