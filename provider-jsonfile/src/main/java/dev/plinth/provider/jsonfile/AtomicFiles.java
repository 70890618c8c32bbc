package dev.plinth.provider.jsonfile;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Whole-file replacement that a crash cannot leave half-done: temp file, fsync, atomic rename, fsync folder. */
final class AtomicFiles {

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
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
            body.writeTo(out);
            out.flush();
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            deleteAfterFailure(temp, e);
            throw e;
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            deleteAfterFailure(temp, e);
            throw e;
        }
        syncDirectory(directory);
    }

    private static void deleteAfterFailure(Path temp, Exception failure) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            failure.addSuppressed(e); // the original failure is the one to report
        }
    }

    /** Makes renames and new files in {@code directory} durable; skipped where folders cannot be opened. */
    static void syncDirectory(Path directory) {
        try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Windows cannot open a folder as a channel; its renames are durable without this.
        }
    }
}
