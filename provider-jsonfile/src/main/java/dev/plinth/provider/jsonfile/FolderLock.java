package dev.plinth.provider.jsonfile;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Ownership of a data folder: an OS lock on its {@code .lock} file, which records the owner's pid, host
 * and start time for the error shown to a second opener. The OS drops the lock when the process dies, so
 * a crash never leaves the folder locked. The file itself is never deleted (deleting would let two owners
 * lock two different files).
 */
final class FolderLock implements AutoCloseable {
    static final String FILE_NAME = ".lock";

    private final FileChannel channel;
    private final FileLock lock;

    private FolderLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * @param folder an existing folder
     * @return the held lock
     * @throws FolderInUseException when another owner holds it
     * @throws dev.plinth.api.storage.StorageOpenException when the lock file cannot be created or locked
     */
    static FolderLock acquire(Path folder) {
        Path file = folder.resolve(FILE_NAME);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw OpenFailure.io("cannot create or open the lock file " + file, e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by another backend of this same JVM
        } catch (IOException e) {
            closeQuietly(channel);
            throw OpenFailure.io("cannot lock " + file, e);
        }
        if (lock == null) {
            String owner = readOwner(file);
            closeQuietly(channel);
            throw new FolderInUseException(folder, owner);
        }
        try {
            byte[] me = describeThisProcess().getBytes(StandardCharsets.UTF_8);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(me), 0);
            channel.force(true);
        } catch (IOException e) {
            // Owner details are only a courtesy for the next opener; the lock itself is held.
        }
        return new FolderLock(channel, lock);
    }

    private static String readOwner(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
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

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing more to release
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel below releases it too
        }
        closeQuietly(channel);
    }
}
