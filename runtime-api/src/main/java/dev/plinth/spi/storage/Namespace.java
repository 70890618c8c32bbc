package dev.plinth.spi.storage;

import dev.plinth.api.plugin.PluginIds;
import java.util.Arrays;
import java.util.List;

/**
 * The scope a backend operation applies to: a plugin id, then one segment per nested nested namespace. Each segment
 * follows the {@link PluginIds} grammar, so it never contains {@code /}, {@code :}, braces, glob
 * characters or whitespace; {@link #path()} ({@code notes/archive}) is therefore an unambiguous encoding
 * that a backend may store in a column, use as a map key, or embed in a Redis key. Backends must keep a
 * namespace apart from the key (a separate column, map level or delimited prefix), never concatenate them
 * in a way a key could forge.
 *
 * <p>Immutable and thread-safe; equal paths are equal namespaces.
 */
public final class Namespace implements Comparable<Namespace> {
    private final String path;
    private final int depth;

    private Namespace(String path, int depth) {
        this.path = path;
        this.depth = depth;
    }

    /**
     * @param pluginId the plugin id (the root segment)
     * @return the plugin's namespace
     * @throws dev.plinth.api.plugin.InvalidPluginIdException when the id breaks the grammar
     */
    public static Namespace of(String pluginId) {
        return new Namespace(PluginIds.validate(pluginId), 1);
    }

    /**
     * Parses a {@link #path()} back into a namespace (for backends that read namespaces from storage).
     *
     * @param path segments joined with {@code /}
     * @return the namespace
     * @throws dev.plinth.api.plugin.InvalidPluginIdException when a segment breaks the grammar
     */
    public static Namespace parse(String path) {
        String[] parts = path.split("/", -1);
        Namespace ns = of(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            ns = ns.child(parts[i]);
        }
        return ns;
    }

    /**
     * @param name the nested namespace's name
     * @return the nested namespace
     * @throws dev.plinth.api.plugin.InvalidPluginIdException when the name breaks the grammar
     */
    public Namespace child(String name) {
        return new Namespace(path + '/' + PluginIds.validate(name), depth + 1);
    }

    /** @return the segments joined with {@code /}, for example {@code notes/archive} */
    public String path() {
        return path;
    }

    /** @return the segments, root (plugin id) first */
    public List<String> segments() {
        return Arrays.asList(path.split("/"));
    }

    /** @return the number of segments, 1 for a plugin's own namespace */
    public int depth() {
        return depth;
    }

    /** @return the plugin id: the first segment */
    public String pluginId() {
        int slash = path.indexOf('/');
        return slash < 0 ? path : path.substring(0, slash);
    }

    @Override
    public int compareTo(Namespace o) {
        return path.compareTo(o.path);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Namespace && ((Namespace) o).path.equals(path);
    }

    @Override
    public int hashCode() {
        return path.hashCode();
    }

    @Override
    public String toString() {
        return path;
    }
}
