package dev.plinth.provider.sqlite;

import dev.plinth.api.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Checks the database path before SQLite sees it, so that a wrong path fails with a message naming it and
 * a file that is not a SQLite database is never written to (SQLite would only notice on first use).
 */
final class DatabaseFile {
    private static final byte[] HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    private DatabaseFile() {
    }

    /**
     * @param configured the configured path
     * @return the absolute path, its parent folders created
     * @throws StorageException naming the path when it cannot hold a database
     */
    static Path prepare(Path configured) {
        Path path = configured.toAbsolutePath().normalize();
        Path parent = path.getParent();
        if (parent != null) {
            createParent(path, parent);
        }
        if (Files.isDirectory(path)) {
            throw new StorageException("Cannot open SQLite database " + path + ": it is a folder, not a file");
        }
        if (Files.exists(path)) {
            checkExisting(path);
        }
        if (parent != null && !Files.isWritable(parent)) {
            // Even an existing database needs it: SQLite creates its -wal/-shm (or -journal) files beside it.
            throw new StorageException("Cannot open SQLite database " + path + ": folder " + parent
                    + " is not writable (SQLite creates its journal files there)");
        }
        return path;
    }

    private static void createParent(Path path, Path parent) {
        try {
            Files.createDirectories(parent);
        } catch (IOException | SecurityException e) {
            throw new StorageException("Cannot create folder " + parent + " for SQLite database " + path + ": "
                    + describe(e), e);
        }
    }

    private static void checkExisting(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new StorageException("Cannot open SQLite database " + path + ": it is not a regular file");
        }
        if (!Files.isReadable(path) || !Files.isWritable(path)) {
            throw new StorageException("Cannot open SQLite database " + path + ": the file is not readable and "
                    + "writable by this process (read-only file?)");
        }
        byte[] head = new byte[HEADER.length];
        int read;
        try (InputStream in = Files.newInputStream(path)) {
            read = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new StorageException("Cannot read SQLite database " + path + ": " + describe(e), e);
        }
        // An empty file is a database SQLite has not written yet (it creates files empty).
        if (read > 0 && (read < HEADER.length || !Arrays.equals(head, HEADER))) {
            throw new StorageException("Cannot open " + path + ": the file is not a SQLite database; it was left "
                    + "unchanged. Point plinth.storage.sqlite.path at a new file or an existing Plinth database");
        }
    }

    private static String describe(Exception e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
