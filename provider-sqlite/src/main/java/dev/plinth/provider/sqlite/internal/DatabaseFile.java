package dev.plinth.provider.sqlite.internal;

import dev.plinth.api.storage.StorageOpenException;
import dev.plinth.provider.sqlite.DamagedDatabaseException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

/**
 * The database file before SQLite opens it: checks the path, so that a wrong path fails with a message naming
 * it and a file that is not a complete database is never written to, and creates a new database so that it
 * appears at the path complete or not at all.
 *
 * <p>The rule that makes an empty file detectable: Plinth builds a new database (schema, version,
 * application id) in a temporary file beside the path, {@code <name>-plinth-new-<pid>-<random>}, and only
 * then links it to the path. SQLite itself creates a file empty and writes it later, so a crash during a
 * first open used to leave an empty file that looked like a new store; now it leaves at most a temporary
 * file, which a later creation removes, and the next open simply creates the database again. A zero-length
 * file at the path is therefore never one Plinth completed: it was truncated, or something else made it,
 * and it is refused rather than read as an empty store.
 */
final class DatabaseFile {
    private static final byte[] HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    /** Between the database's file name and the creating process's id, in a temporary new database's name. */
    static final String NEW_INFIX = "-plinth-new-";
    /** A temporary new database older than this was left by a crash; creating one takes milliseconds. */
    private static final long STALE_NEW_MILLIS = 10 * 60_000L;
    /** SQLite's logs beside the database; one with content holds data the database needs. */
    private static final List<String> LOGS = List.of("-wal", "-journal");

    private static final SecureRandom RANDOM = new SecureRandom();

    private DatabaseFile() {}

    /**
     * Checks what must hold before anything is locked or created: the folder exists (created when missing)
     * and is writable, and nothing but a regular file is at the path.
     *
     * @param configured the configured path
     * @return the absolute, normalised path
     * @throws StorageOpenException naming the path when it cannot hold a database
     */
    static Path prepare(Path configured) {
        Path path = configured.toAbsolutePath().normalize();
        Path parent = path.getParent();
        if (parent != null) {
            try {
                Files.createDirectories(parent);
            } catch (IOException | SecurityException e) {
                throw failure(path, "cannot create folder " + parent + " (" + describe(e) + ")", e);
            }
        }
        if (Files.isDirectory(path)) {
            throw failure(path, "it is a folder, not a file", null);
        }
        if (Files.exists(path) && !Files.isRegularFile(path)) {
            throw failure(path, "it is not a regular file", null);
        }
        if (parent != null && !Files.isWritable(parent)) {
            // Even an existing database needs it: SQLite creates its -wal/-shm (or -journal) files beside it.
            throw failure(
                    path,
                    "folder " + parent + " is not writable (SQLite creates its journal files there; "
                            + "read-only file system?)",
                    null);
        }
        return path;
    }

    /**
     * Checks an existing file before SQLite reads it: readable and writable, not empty, and a SQLite file.
     *
     * @throws StorageOpenException naming the path; a {@link DamagedDatabaseException} for a file that is
     *     empty or not a SQLite database
     */
    static void checkExisting(Path path) {
        if (!Files.isReadable(path) || !Files.isWritable(path)) {
            throw failure(
                    path,
                    "the file is not readable and writable by this process (read-only file or file " + "system?)",
                    null);
        }
        byte[] head = new byte[HEADER.length];
        int read;
        try (InputStream in = Files.newInputStream(path)) {
            read = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw failure(path, "cannot read it (" + describe(e) + ")", e);
        }
        if (read == 0) {
            throw new DamagedDatabaseException(
                    path,
                    "SQLite database " + path + " is empty (0 bytes)" + logs(path)
                            + ". Plinth never leaves an empty database file (it creates a new one complete, under a "
                            + "temporary name), so this file was truncated or made by something else; it was left unchanged. "
                            + "If the data it held matters, restore the file from a backup; if this store never held data, "
                            + "delete the file (and its -wal, -shm, if any) and open again to start an empty store",
                    List.of("the file is empty (0 bytes)"),
                    null);
        }
        if (read < HEADER.length || !Arrays.equals(head, HEADER)) {
            throw new DamagedDatabaseException(
                    path,
                    "SQLite database " + path + " is not a SQLite database (it does "
                            + "not start with SQLite's header); it was left unchanged. Point plinth.storage.sqlite.path at a "
                            + "new file or an existing Plinth database",
                    List.of("the file does not start with \"SQLite format 3\""),
                    null);
        }
    }

    /**
     * Refuses to create a database where SQLite's log of a vanished one is left: SQLite would replay it into
     * the new, empty file.
     *
     * @throws DamagedDatabaseException naming the database and its log
     */
    static void checkNoOrphanLog(Path path) {
        for (String suffix : LOGS) {
            Path log = sibling(path, suffix);
            long size = sizeOrZero(log);
            if (size > 0) {
                throw new DamagedDatabaseException(
                        path,
                        "SQLite database " + path + " does not exist, but its log "
                                + log + " (" + size + " bytes) does: the database file was moved or deleted, and the "
                                + "log holds changes it needs; both were left as they are. Put the database file back beside "
                                + "its log (or restore both from a backup); to start an empty store instead, delete "
                                + log
                                + " (and " + sibling(path, "-shm") + ")",
                        List.of("the database file is missing; " + log + " holds " + size + " bytes"),
                        null);
            }
        }
    }

    /**
     * Creates a new database at {@code path}: builds the whole schema in a temporary file beside it, makes it
     * durable, then links it to the path, which fails rather than replace a database another process
     * created meanwhile.
     *
     * @return {@code true} when this call created the database, {@code false} when another process did first
     * @throws SQLException when SQLite fails to build the schema
     * @throws StorageOpenException naming the path when the file system refuses
     */
    static boolean create(Path path, ConnectionFactory factory) throws SQLException {
        removeStaleNewFiles(path);
        Path temp = sibling(
                path,
                NEW_INFIX + ProcessHandle.current().pid() + "-" + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE));
        try {
            // The default rollback journal: nothing of the temporary file is left beside it once it is built.
            try (SqlConnection c = factory.openPlainAt(temp)) {
                Schema.migrate(c, temp);
            }
            force(temp, false);
            if (!link(path, temp)) {
                return false;
            }
            if (path.getParent() != null) {
                force(path.getParent(), true);
            }
            return true;
        } catch (IOException e) {
            throw failure(path, "cannot create it (" + describe(e) + ")", e);
        } finally {
            deleteQuietly(temp);
            deleteQuietly(sibling(temp, "-journal"));
        }
    }

    /** @return {@code false} when a file appeared at {@code path} first */
    private static boolean link(Path path, Path temp) throws IOException {
        try {
            Files.createLink(path, temp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (UnsupportedOperationException | IOException noHardLinks) {
            // A file system without hard links (FAT, some network shares): a move that refuses to replace,
            // checked then renamed, which leaves a window where two processes creating at once race.
            try {
                Files.move(temp, path);
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            }
        }
    }

    /** Deletes temporary new databases that a crash during a first open left beside the path. */
    private static void removeStaleNewFiles(Path path) {
        Path parent = path.getParent();
        if (parent == null) {
            return;
        }
        String prefix = path.getFileName() + NEW_INFIX;
        long staleBefore = System.currentTimeMillis() - STALE_NEW_MILLIS;
        try (DirectoryStream<Path> files =
                Files.newDirectoryStream(parent, p -> p.getFileName().toString().startsWith(prefix))) {
            for (Path leftover : files) {
                if (Files.getLastModifiedTime(leftover).toMillis() < staleBefore) {
                    deleteQuietly(leftover);
                    SqliteStorageBackend.LOG.info(
                            "Deleted {}, a new SQLite database left unfinished by a crash " + "while creating {}",
                            leftover,
                            path);
                }
            }
        } catch (IOException | RuntimeException e) {
            SqliteStorageBackend.LOG.debug(
                    "Could not look for unfinished new databases beside {}: {}", path, e.toString());
        }
    }

    private static void force(Path file, boolean folder) throws IOException {
        try (FileChannel ch = FileChannel.open(file, folder ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
            ch.force(true);
        } catch (IOException e) {
            if (!folder) {
                throw e;
            }
            // Some platforms cannot sync a folder; the link is then as durable as the file system makes it.
        }
    }

    static Path sibling(Path path, String suffix) {
        return path.resolveSibling(path.getFileName() + suffix);
    }

    private static long sizeOrZero(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.size(file) : 0L;
        } catch (IOException e) {
            return 0L;
        }
    }

    /** @return the sizes of the database's logs that have content, for a message; empty when none has */
    private static String logs(Path path) {
        StringBuilder b = new StringBuilder();
        for (String suffix : LOGS) {
            long size = sizeOrZero(sibling(path, suffix));
            if (size > 0) {
                b.append(b.length() == 0 ? " while " : " and ")
                        .append(sibling(path, suffix))
                        .append(" holds ")
                        .append(size)
                        .append(" bytes");
            }
        }
        return b.toString();
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            SqliteStorageBackend.LOG.debug("Could not delete {}: {}", file, e.toString());
        }
    }

    private static StorageOpenException failure(Path path, String problem, Exception cause) {
        return new StorageOpenException(
                SqliteErrors.PROVIDER, "SQLite database " + path + ": " + problem, cause, false);
    }

    private static String describe(Exception e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
