package dev.plinth.core.archive;

import dev.plinth.api.plugin.Plugin;
import dev.plinth.core.plugins.PluginArchiveException;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * Creates the plugin instance of an archive in its own class loader, and checks that what the code says
 * ({@code id()}, {@code version()}, {@code requiredDependencies()}) matches the descriptor. Stateless.
 */
final class PluginInstances {
    private PluginInstances() {}

    /**
     * @param archive the archive
     * @param loader its class loader
     * @return the instance, created with the loader as the thread's context class loader
     * @throws PluginArchiveException when no single plugin class can be found or created, or it does not
     *     match the descriptor (naming both values)
     */
    static Plugin create(PluginArchive archive, PluginClassLoader loader) {
        ArchiveDescriptor d = archive.descriptor();
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(loader);
        Plugin p;
        try {
            p = d.pluginClass().isPresent()
                    ? byName(archive, loader, d.pluginClass().get())
                    : byService(archive, loader);
        } catch (ServiceConfigurationError | LinkageError | ReflectiveOperationException | RuntimeException e) {
            if (e instanceof PluginArchiveException pae) {
                throw pae;
            }
            throw refuse(
                    archive,
                    "its plugin class could not be loaded or created: " + e
                            + (e.getCause() == null ? "" : " (caused by " + e.getCause() + ")"),
                    e);
        } finally {
            t.setContextClassLoader(before);
        }
        String id = p.id();
        if (!d.id().equals(id)) {
            throw refuse(
                    archive,
                    "the descriptor says id '" + d.id() + "' but "
                            + p.getClass().getName() + ".id() returns '" + id + "'",
                    null);
        }
        String version = p.version();
        if (!version.equals("0") && !version.equals(d.version().toString())) {
            throw refuse(
                    archive,
                    "the descriptor says version " + d.version() + " but "
                            + p.getClass().getName() + ".version() returns '" + version + "'",
                    null);
        }
        Set<String> codeDeps = p.requiredDependencies();
        Set<String> declared = d.toPluginDescriptor("").requiredDependencies();
        if (!codeDeps.isEmpty() && !codeDeps.equals(declared)) {
            throw refuse(
                    archive,
                    "the descriptor requires " + declared + " but "
                            + p.getClass().getName() + ".requiredDependencies() returns " + codeDeps,
                    null);
        }
        return p;
    }

    private static Plugin byName(PluginArchive archive, ClassLoader loader, String name)
            throws ReflectiveOperationException {
        Class<?> c = Class.forName(name, true, loader);
        if (!Plugin.class.isAssignableFrom(c)) {
            throw refuse(archive, "class=" + name + " does not implement " + Plugin.class.getName(), null);
        }
        return (Plugin) c.getDeclaredConstructor().newInstance();
    }

    private static Plugin byService(PluginArchive archive, ClassLoader loader) {
        List<ServiceLoader.Provider<Plugin>> own = ServiceLoader.load(Plugin.class, loader).stream()
                .filter(p -> p.type().getClassLoader() == loader)
                .toList();
        if (own.size() != 1) {
            throw refuse(
                    archive,
                    "it must name its plugin class with class= in " + ArchiveDescriptor.RESOURCE
                            + " or list exactly one in META-INF/services/" + Plugin.class.getName() + "; found "
                            + own.stream().map(p -> p.type().getName()).toList(),
                    null);
        }
        return own.get(0).get();
    }

    private static PluginArchiveException refuse(PluginArchive archive, String rule, Throwable cause) {
        return new PluginArchiveException(
                archive.descriptor().id(),
                archive.path(),
                "Plugin archive " + archive.path() + " (plugin '"
                        + archive.descriptor().id() + "') was refused: " + rule,
                cause);
    }
}
