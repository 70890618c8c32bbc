package dev.plinth.provider.jsonfile.internal;

import dev.plinth.provider.jsonfile.FolderInUseException;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ownership of a data folder: an OS lock on its {@code .lock} file, which records the owner's pid, host
 * and start time for the error shown to a second opener. The OS drops the lock when the process dies, so
 * a crash never leaves the folder locked. The file itself is never deleted (deleting would let two owners
 * lock two different files).
 *
 * <p>The lock belongs to a FileChannel, and closing the channel releases it. An interrupted thread closes
 * any channel it does I/O on, so the lock is taken {@link Uninterruptibly} and the channel is never used
 * again until {@link #close}; the owner's details are written through {@code java.io}.
 *
 * <p>POSIX drops every lock a process holds on a file as soon as that process closes any descriptor of
 * the file. So a second opener in the same JVM must not even open the lock file: folders held by this JVM
 * are known in {@link #HELD} and refused from there.
 */
final class FolderLock implements AutoCloseable {
    static final String FILE_NAME = ".lock";

    /** The real paths of the folders this JVM holds, and the owner description each recorded. */
    private static final ConcurrentHashMap<Path, String> HELD = new ConcurrentHashMap<>();

    private final RandomAccessFile file;
    private final FileLock lock;
    private final Path key;

    private FolderLock(RandomAccessFile file, FileLock lock, Path key) {
        this.file = file;
        this.lock = lock;
        this.key = key;
    }

    /**
     * @param folder an existing folder
     * @return the held lock
     * @throws FolderInUseException when another owner holds it
     * @throws dev.plinth.api.storage.StorageOpenException when the lock file cannot be created or locked
     */
    static FolderLock acquire(Path folder) {
        Path path = folder.resolve(FILE_NAME);
        Path key;
        try {
            key = folder.toRealPath();
        } catch (IOException e) {
            throw OpenFailure.io("cannot resolve the folder " + folder, e);
        }
        String me = describeThisProcess();
        String holder = HELD.putIfAbsent(key, me);
        if (holder != null) {
            throw new FolderInUseException(folder, holder.replace('\n', ' ').strip());
        }
        try {
            return lockFile(folder, path, key, me);
        } catch (RuntimeException e) {
            HELD.remove(key, me);
            throw e;
        }
    }

    private static FolderLock lockFile(Path folder, Path path, Path key, String me) {
        FolderLock held;
        try {
            held = Uninterruptibly.call(() -> {
                RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw");
                try {
                    FileLock l = f.getChannel().tryLock();
                    if (l == null) {
                        f.close();
                        return null;
                    }
                    return new FolderLock(f, l, key);
                } catch (IOException | RuntimeException e) {
                    f.close();
                    throw e;
                }
            });
        } catch (IOException e) {
            throw OpenFailure.io("cannot create or lock the lock file " + path, e);
        }
        if (held == null) {
            throw new FolderInUseException(folder, readOwner(path));
        }
        try {
            held.file.setLength(0);
            held.file.seek(0);
            held.file.write(me.getBytes(StandardCharsets.UTF_8));
            held.file.getFD().sync();
        } catch (IOException e) {
            // Owner details are only a courtesy for the next opener; the lock itself is held.
        }
        return held;
    }

    /** @return whether the OS lock is still held (it is until {@link #close}, unless its channel was closed) */
    boolean isHeld() {
        return lock.isValid();
    }

    private static String readOwner(Path file) {
        try (FileInputStream in = new FileInputStream(file.toFile())) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? null : text.replace('\n', ' ');
        } catch (IOException | RuntimeException e) {
            return null; // Windows refuses to read a locked region; the owner stays unknown
        }
    }

    private static String describeThisProcess() {
        return "pid=" + ProcessHandle.current().pid() + "\nhost=" + hostName() + "\nsince=" + Instant.now() + "\n";
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env == null || env.isBlank()) {
            env = System.getenv("COMPUTERNAME");
        }
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // closing the file below releases it too
        }
        try {
            file.close();
        } catch (IOException e) {
            // nothing more to release
        } finally {
            HELD.remove(key);
        }
    }
}
