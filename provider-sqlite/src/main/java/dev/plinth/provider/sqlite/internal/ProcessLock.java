package dev.plinth.provider.sqlite.internal;

import dev.plinth.api.storage.StorageOpenException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Keeps backends of different modes off one database file: every backend holds an OS file lock on
 * {@code <database>-plinth.lock} for as long as it is open, shared by default and exclusive with
 * {@code exclusive=true}. The OS drops the lock when the process dies, so a crash never leaves the file
 * locked.
 *
 * <p>A separate file, never the database itself: Java's locks are POSIX record locks, and closing any
 * descriptor of a file releases every such lock the process holds on it, SQLite's included. For the same
 * reason the lock file is opened once per JVM and path: backends of one JVM share that one channel and lock
 * through a registry, which also refuses a second backend in this JVM where another process would be
 * refused (the OS lets one process take overlapping locks). Thread-safe.
 */
final class ProcessLock implements AutoCloseable {
    private static final Map<Path, Holder> HELD = new HashMap<>();

    /** The one channel and lock of a path in this JVM, with how many backends use it. */
    private static final class Holder {
        final FileChannel channel;
        final FileLock lock;
        final boolean exclusive;
        int users;

        Holder(FileChannel channel, FileLock lock, boolean exclusive) {
            this.channel = channel;
            this.lock = lock;
            this.exclusive = exclusive;
        }
    }

    private final Path database;
    private boolean released;

    private ProcessLock(Path database) {
        this.database = database;
    }

    /**
     * @param database the absolute, normalised database path
     * @param exclusive {@code true} for a backend that must be the file's only user
     * @return the lock, held until {@link #close()}
     * @throws StorageOpenException naming the database when another backend's mode conflicts with this one
     *     (retryable), or when the lock file cannot be created or locked
     */
    static ProcessLock acquire(Path database, boolean exclusive) {
        synchronized (HELD) {
            Holder held = HELD.get(database);
            if (held != null) {
                if (exclusive || held.exclusive) {
                    throw conflict(database, exclusive, "another Plinth SQLite backend in this process");
                }
                held.users++;
                return new ProcessLock(database);
            }
            Path lockFile = lockFile(database);
            FileChannel channel;
            try {
                channel = FileChannel.open(
                        lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            } catch (IOException | SecurityException e) {
                throw new StorageOpenException(
                        SqliteErrors.PROVIDER,
                        "SQLite database " + database + ": cannot create its lock file " + lockFile + " (" + e + ")",
                        e,
                        false);
            }
            FileLock lock;
            try {
                lock = channel.tryLock(0, Long.MAX_VALUE, !exclusive);
            } catch (IOException e) {
                closeQuietly(channel);
                throw new StorageOpenException(
                        SqliteErrors.PROVIDER,
                        "SQLite database " + database + ": cannot lock " + lockFile + " (" + e + ")",
                        e,
                        false);
            }
            if (lock == null) {
                closeQuietly(channel);
                throw conflict(database, exclusive, "another process");
            }
            Holder h = new Holder(channel, lock, exclusive);
            h.users = 1;
            HELD.put(database, h);
            return new ProcessLock(database);
        }
    }

    /** @return the lock file of a database: beside it, like SQLite's own {@code -wal} and {@code -shm} */
    static Path lockFile(Path database) {
        return database.resolveSibling(database.getFileName() + "-plinth.lock");
    }

    /** Retryable: the file is free again once the other user closes it or exits. */
    private static StorageOpenException conflict(Path database, boolean exclusive, String who) {
        String why = exclusive
                ? who + " has it open, and plinth.storage.sqlite.exclusive=true needs it alone"
                : who + " has it open with plinth.storage.sqlite.exclusive=true";
        return new StorageOpenException(
                SqliteErrors.PROVIDER,
                "SQLite database " + database + ": " + why
                        + "; close that one first, or set exclusive=false on every user of the file to share it",
                null,
                true);
    }

    /** Releases this backend's hold; the OS lock goes with the last backend of this JVM on the path. */
    @Override
    public void close() {
        synchronized (HELD) {
            if (released) {
                return;
            }
            released = true;
            Holder h = HELD.get(database);
            if (h == null || --h.users > 0) {
                return;
            }
            HELD.remove(database);
            try {
                h.lock.release();
            } catch (IOException ignored) {
                // Closing the channel releases it anyway.
            }
            closeQuietly(h.channel);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing more to release.
        }
    }
}
