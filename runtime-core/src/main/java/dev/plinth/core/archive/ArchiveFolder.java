package dev.plinth.core.archive;

import dev.plinth.core.plugins.PluginArchiveException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugins folder ({@code plinth.plugins.dir}): every {@code *.jar} and {@code *.zip} directly in it,
 * in name order; hidden files (a leading dot, as editors and copy tools use for files in progress) are
 * skipped. Stateless.
 */
public final class ArchiveFolder {
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveFolder.class);

    private ArchiveFolder() {}

    /**
     * @param folder the plugins folder
     * @return its archive files in name order; empty when the folder does not exist
     * @throws PluginArchiveException when it exists but cannot be listed
     */
    public static List<Path> list(Path folder) {
        if (!Files.isDirectory(folder)) {
            if (Files.exists(folder)) {
                throw new PluginArchiveException(
                        null,
                        folder,
                        "The plugins folder " + folder + " (plinth.plugins.dir) is not a directory",
                        null);
            }
            LOG.debug("Plugins folder {} does not exist: no archive plugins", folder);
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> {
                        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
                        return !n.startsWith(".") && (n.endsWith(".jar") || n.endsWith(".zip"));
                    })
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new PluginArchiveException(
                    null, folder, "The plugins folder " + folder + " cannot be listed: " + e, e);
        }
    }

    /**
     * Reads every archive of the folder; the first refused one fails the whole read (what was read is
     * closed again).
     *
     * @param folder the plugins folder
     * @return the archives, in name order
     * @throws PluginArchiveException for the first archive refused, naming it
     */
    public static List<PluginArchive> read(Path folder) {
        List<PluginArchive> out = new ArrayList<>();
        try {
            for (Path f : list(folder)) {
                out.add(PluginArchive.read(f));
            }
        } catch (RuntimeException e) {
            out.forEach(PluginArchive::close);
            throw e;
        }
        return out;
    }

    /**
     * Reads every archive of the folder, skipping (and logging) those refused, for a reload that looks for
     * one id and must not fail on another plugin's broken archive.
     *
     * @param folder the plugins folder
     * @return the readable archives
     */
    static List<PluginArchive> readTolerantly(Path folder) {
        List<PluginArchive> out = new ArrayList<>();
        for (Path f : list(folder)) {
            try {
                out.add(PluginArchive.read(f));
            } catch (PluginArchiveException e) {
                LOG.warn("Skipping {} while looking for a plugin to reload: {}", f, e.getMessage());
            }
        }
        return out;
    }
}
