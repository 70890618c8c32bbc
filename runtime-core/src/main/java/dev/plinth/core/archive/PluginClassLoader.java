package dev.plinth.core.archive;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;

/**
 * The class loader of one archive plugin. Where a class comes from, in this order:
 * <ol>
 *   <li>the JDK (the platform class loader): {@code java.*}, {@code javax.*} and the rest of the JDK;</li>
 *   <li>{@code dev.plinth.api.*} and {@code org.slf4j.*}: the host's, so that {@code Plugin},
 *       {@code KeyValueStore} and {@code Logger} are the same classes on both sides;</li>
 *   <li>a package a dependency exports ({@code exports=} in its descriptor): that dependency's loader, so
 *       a service interface it publishes is the same {@code Class} for the plugin that looks it up;</li>
 *   <li>the plugin's own jar, then its {@code lib/*.jar}.</li>
 * </ol>
 * Nothing else of the host is visible: not the host's class path, not other plugins. So two plugins can
 * bundle two versions of one library, and a plugin cannot come to depend on a host library by accident.
 * Resources follow the same rule (own jars after the JDK; shared packages from the host). Parallel
 * capable; {@link #close()} closes the jars.
 */
final class PluginClassLoader extends URLClassLoader {
    static {
        ClassLoader.registerAsParallelCapable();
    }

    private static final List<String> HOST_PREFIXES = List.of("dev.plinth.api.", "org.slf4j.");

    private final String pluginId;
    private final ClassLoader host;
    private final Map<String, ClassLoader> exportedByDependencies;

    /**
     * @param pluginId the plugin, for the loader's name and messages
     * @param archive its jars
     * @param host the loader of the runtime's own API classes
     * @param exportedByDependencies package name to the loader of the dependency exporting it
     */
    PluginClassLoader(
            String pluginId, PluginArchive archive, ClassLoader host, Map<String, ClassLoader> exportedByDependencies) {
        super("plinth-plugin-" + pluginId, archive.urls(), ClassLoader.getPlatformClassLoader());
        this.pluginId = pluginId;
        this.host = host;
        this.exportedByDependencies = Map.copyOf(exportedByDependencies);
    }

    String pluginId() {
        return pluginId;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                c = locate(name);
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    private Class<?> locate(String name) throws ClassNotFoundException {
        for (String prefix : HOST_PREFIXES) {
            if (name.startsWith(prefix)) {
                return host.loadClass(name);
            }
        }
        try {
            return getParent().loadClass(name);
        } catch (ClassNotFoundException notJdk) {
            // not a JDK class: the dependencies' exports, then the plugin's own jars
        }
        int dot = name.lastIndexOf('.');
        ClassLoader exporter = dot < 0 ? null : exportedByDependencies.get(name.substring(0, dot));
        if (exporter != null) {
            return exporter.loadClass(name);
        }
        try {
            return findClass(name);
        } catch (ClassNotFoundException e) {
            throw new ClassNotFoundException(
                    name + " (plugin '" + pluginId + "' sees the JDK, dev.plinth.api, org.slf4j, packages its"
                            + " dependencies export, and its own jar and lib/; nothing else)",
                    e);
        }
    }

    @Override
    public URL getResource(String name) {
        if (sharedResource(name)) {
            return host.getResource(name);
        }
        URL url = getParent().getResource(name);
        return url != null ? url : findResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        if (sharedResource(name)) {
            return host.getResources(name);
        }
        List<URL> all = new ArrayList<>(Collections.list(getParent().getResources(name)));
        all.addAll(Collections.list(findResources(name)));
        return Collections.enumeration(all);
    }

    private static boolean sharedResource(String name) {
        return name.startsWith("dev/plinth/api/") || name.startsWith("org/slf4j/");
    }

    @Override
    public String toString() {
        return getName();
    }
}
