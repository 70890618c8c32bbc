package dev.plinth.provider.jsonfile.internal;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whole-file replacement in the store's folder that a crash cannot leave half-done: temp file, fsync,
 * atomic rename, fsync folder. Written through {@code java.io}, which an interrupt cannot break (a
 * FileChannel would be closed by it).
 *
 * <p>A write ends in one of three ways, and the callers must tell the last two apart: durable (returns);
 * not written ({@link IOException}: the file as it was is still in place); or renamed into place with the
 * folder fsync failed ({@link NotDurableException}): the new file is what every reader now finds, but a
 * power loss may bring the old one back.
 */
final class AtomicFiles {
    private static final Logger LOG = LoggerFactory.getLogger(AtomicFiles.class);

    /** Writes a file's content. */
    @FunctionalInterface
    interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * The file was renamed into place, but the folder fsync after the rename failed: the new file is in
     * force now, and after a power loss either it or the file it replaced may be found. Not "not written":
     * deleting what the new file refers to would break the folder as it is now.
     */
    static final class NotDurableException extends IOException {
        private static final long serialVersionUID = 1L;

        NotDurableException(Path file, IOException cause) {
            super(
                    file + " is in place, but the fsync of its folder failed (" + cause
                            + "), so the rename may not survive a power loss",
                    cause);
        }
    }

    private final Path directory;
    private final FolderSync folderSync;

    AtomicFiles(Path directory, FolderSync folderSync) {
        this.directory = directory;
        this.folderSync = folderSync;
    }

    Path directory() {
        return directory;
    }

    /**
     * Replaces (or creates) {@code name} in the folder.
     *
     * @throws NotDurableException the new file is in place but the rename may not be durable
     * @throws IOException nothing changed: the file as it was is still in place
     */
    void write(String name, Body body) throws IOException {
        Path target = directory.resolve(name);
        Path temp = directory.resolve(name + FileNames.TEMP_SUFFIX);
        try (FileOutputStream file = new FileOutputStream(temp.toFile())) {
            OutputStream out = new BufferedOutputStream(file, 1 << 16);
            body.writeTo(out);
            out.flush();
            file.getFD().sync();
        } catch (IOException | RuntimeException e) {
            deleteAfterFailure(temp, e);
            throw e;
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteAfterFailure(temp, e);
            throw e;
        }
        try {
            folderSync.afterRename(directory, name);
        } catch (IOException e) {
            throw new NotDurableException(target, e);
        }
    }

    /** Deletes a file the store no longer needs; one left behind is deleted at a later open. */
    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("Could not delete {}: {}", file, e.toString());
        }
    }

    private static void deleteAfterFailure(Path temp, Exception failure) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            failure.addSuppressed(e); // the original failure is the one to report
        }
    }

    /**
     * Makes renames and new files in {@code directory} durable. Skipped where a folder cannot be opened
     * (Windows, whose renames are durable without it); a failing fsync of the folder is thrown.
     */
    static void syncDirectory(Path directory) throws IOException {
        Uninterruptibly.call(() -> {
            FileChannel ch;
            try {
                ch = FileChannel.open(directory, StandardOpenOption.READ);
            } catch (IOException e) {
                return null;
            }
            try (ch) {
                ch.force(true);
            }
            return null;
        });
    }
}
