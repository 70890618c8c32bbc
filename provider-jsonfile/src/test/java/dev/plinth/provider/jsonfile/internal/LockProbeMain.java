package dev.plinth.provider.jsonfile.internal;

import java.io.RandomAccessFile;
import java.nio.channels.FileLock;

/**
 * Child process of {@link FolderLockTest}: tries to take the OS lock on the file given and prints
 * {@code GOT} or {@code BUSY}. Another process is the only reliable witness of an OS lock, because locks
 * are per process.
 */
public final class LockProbeMain {
    private LockProbeMain() {}

    public static void main(String[] args) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(args[0], "rw")) {
            FileLock lock = f.getChannel().tryLock();
            System.out.println(lock == null ? "BUSY" : "GOT");
        }
    }
}
