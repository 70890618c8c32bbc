package dev.plinth.provider.jsonfile.internal;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whole-file replacement that a crash cannot leave half-done: temp file, fsync, atomic rename, fsync folder.
 * Written through {@code java.io}, which an interrupt cannot break (a FileChannel would be closed by it).
 */
final class AtomicFiles {
    private static final Logger LOG = LoggerFactory.getLogger(AtomicFiles.class);

    /** Writes a file's content. */
    @FunctionalInterface
    interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    static void write(Path directory, String name, Body body) throws IOException {
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
        syncDirectory(directory);
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
