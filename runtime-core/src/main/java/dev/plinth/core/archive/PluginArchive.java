package dev.plinth.core.archive;

import dev.plinth.core.plugins.PluginArchiveException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One plugin archive, read and checked, with a private copy of its jars. Two forms:
 * <ul>
 *   <li>{@code name.jar}: the plugin jar itself, with {@value ArchiveDescriptor#RESOURCE};</li>
 *   <li>{@code name.zip}: one plugin jar at the root plus its libraries as {@code lib/*.jar}.</li>
 * </ul>
 * The jars are copied (or extracted) into a temporary directory and loaded from there, so the archive in
 * the plugins folder can be replaced or deleted while the plugin runs (the next {@code reload} picks the
 * new one up) and the old version can still be restarted if the new one fails. {@link #close()} deletes
 * the copy; call it after the plugin's class loader was closed. Not thread-safe; the controller owns it.
 */
public final class PluginArchive implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PluginArchive.class);
    /** Packages the runtime shares with every plugin: a copy inside an archive is refused. */
    static final List<String> SHARED_PREFIXES = List.of("dev/plinth/api/", "dev/plinth/spi/", "org/slf4j/");

    private final Path path;
    private final ArchiveDescriptor descriptor;
    private final Path copy;
    private final List<Path> jars;

    private PluginArchive(Path path, ArchiveDescriptor descriptor, Path copy, List<Path> jars) {
        this.path = path;
        this.descriptor = descriptor;
        this.copy = copy;
        this.jars = List.copyOf(jars);
    }

    /**
     * @param file a {@code .jar} or {@code .zip} plugin archive
     * @return the archive, its jars copied to a temporary directory
     * @throws PluginArchiveException when it is not a readable archive of either form, has no or a wrong
     *     descriptor, or a jar in it carries its own copy of the Plinth API or SLF4J (naming that jar)
     */
    public static PluginArchive read(Path file) {
        Path archive = file.toAbsolutePath().normalize();
        String name = archive.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!Files.isRegularFile(archive)) {
            throw new PluginArchiveException(
                    null, archive, "Plugin archive " + archive + " does not exist or is not a file", null);
        }
        if (!name.endsWith(".jar") && !name.endsWith(".zip")) {
            throw new PluginArchiveException(
                    null, archive, "Plugin archive " + archive + " is neither a .jar nor a .zip", null);
        }
        Path copy;
        try {
            copy = Files.createTempDirectory("plinth-plugin-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary directory for plugin archive " + archive, e);
        }
        try {
            List<Path> jars = name.endsWith(".jar") ? copyJar(archive, copy) : extractZip(archive, copy);
            ArchiveDescriptor d = descriptor(archive, jars.get(0));
            for (int i = 0; i < jars.size(); i++) {
                refuseSharedCopies(
                        archive,
                        jars.get(i),
                        i == 0
                                ? archive.toString()
                                : archive + "!/lib/" + jars.get(i).getFileName(),
                        d.id());
            }
            return new PluginArchive(archive, d, copy, jars);
        } catch (RuntimeException e) {
            deleteTree(copy);
            throw e;
        }
    }

    private static List<Path> copyJar(Path archive, Path copy) {
        Path target = copy.resolve("plugin.jar");
        try {
            Files.copy(archive, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw unreadable(archive, e);
        }
        return List.of(target);
    }

    private static List<Path> extractZip(Path archive, Path copy) {
        List<Path> plugin = new ArrayList<>();
        List<Path> libs = new ArrayList<>();
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                String n = e.getName();
                boolean root = n.endsWith(".jar") && n.indexOf('/') < 0;
                boolean lib = n.startsWith("lib/") && n.endsWith(".jar") && n.indexOf('/', 4) < 0 && n.length() > 8;
                if (!root && !lib) {
                    continue;
                }
                Path target = root ? copy.resolve(n) : copy.resolve("lib").resolve(n.substring(4));
                Files.createDirectories(target.getParent());
                try (InputStream in = zip.getInputStream(e)) {
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
                (root ? plugin : libs).add(target);
            }
        } catch (IOException e) {
            throw unreadable(archive, e);
        }
        if (plugin.size() != 1) {
            throw new PluginArchiveException(
                    null,
                    archive,
                    "Plugin archive " + archive
                            + " must hold exactly one plugin jar at its root (and libraries under lib/);" + " found "
                            + plugin.size() + ": "
                            + plugin.stream()
                                    .map(p -> p.getFileName().toString())
                                    .toList(),
                    null);
        }
        libs.sort(Comparator.comparing(Path::toString));
        List<Path> all = new ArrayList<>(plugin);
        all.addAll(libs);
        return all;
    }

    private static ArchiveDescriptor descriptor(Path archive, Path pluginJar) {
        try (ZipFile jar = new ZipFile(pluginJar.toFile())) {
            ZipEntry entry = jar.getEntry(ArchiveDescriptor.RESOURCE);
            if (entry == null) {
                throw new PluginArchiveException(
                        null,
                        archive,
                        "Plugin archive " + archive + " has no descriptor: its plugin jar lacks "
                                + ArchiveDescriptor.RESOURCE,
                        null);
            }
            Properties props = new Properties();
            try (InputStream in = jar.getInputStream(entry)) {
                props.load(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
            }
            return ArchiveDescriptor.parse(props, archive);
        } catch (IOException | IllegalArgumentException e) {
            throw unreadable(archive, e);
        }
    }

    private static void refuseSharedCopies(Path archive, Path jar, String label, String id) {
        try (ZipFile z = new ZipFile(jar.toFile())) {
            Enumeration<? extends ZipEntry> entries = z.entries();
            while (entries.hasMoreElements()) {
                String n = entries.nextElement().getName();
                if (!n.endsWith(".class")) {
                    continue;
                }
                for (String prefix : SHARED_PREFIXES) {
                    if (n.startsWith(prefix)) {
                        throw new PluginArchiveException(
                                id,
                                archive,
                                "Plugin archive " + archive + ": " + label + " bundles its own copy of "
                                        + (prefix.startsWith("org/slf4j") ? "SLF4J" : "the Plinth API") + " (" + n
                                        + "); the runtime shares its own with every plugin. Depend on it with"
                                        + " <scope>provided</scope> instead of packing it.",
                                null);
                    }
                }
            }
        } catch (ZipException e) {
            throw new PluginArchiveException(
                    id,
                    archive,
                    "Plugin archive " + archive + ": " + label + " is not a readable jar: " + e.getMessage(),
                    e);
        } catch (IOException e) {
            throw unreadable(archive, e);
        }
    }

    private static PluginArchiveException unreadable(Path archive, Exception e) {
        return new PluginArchiveException(
                null,
                archive,
                "Plugin archive " + archive + " is not a readable jar or zip (corrupt?): " + e.getMessage(),
                e);
    }

    /** @return the archive file as found */
    public Path path() {
        return path;
    }

    /** @return its descriptor */
    public ArchiveDescriptor descriptor() {
        return descriptor;
    }

    /** @return the copied jars, the plugin jar first */
    public List<Path> jars() {
        return jars;
    }

    URL[] urls() {
        URL[] urls = new URL[jars.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = jars.get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                throw new IllegalStateException(e);
            }
        }
        return urls;
    }

    /** Deletes the private copy of the jars. Idempotent. */
    @Override
    public void close() {
        deleteTree(copy);
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.debug("Could not delete {}", p, e);
                }
            });
        } catch (IOException e) {
            LOG.debug("Could not delete {}", dir, e);
        }
    }

    @Override
    public String toString() {
        return path + " (" + descriptor.id() + " " + descriptor.version() + ")";
    }
}
