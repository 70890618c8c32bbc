package dev.plinth.provider.jsonfile.internal;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A journal file whose fsync fails on demand with EIO, as a failing disk's would. The one fault these
 * tests cannot make real: a full disk is a real tmpfs ({@link DiskFullTest}), but an fsync error needs a
 * block device that fails (device-mapper), which the build machine does not offer.
 */
final class FailingJournalFile implements JournalFile {
    private final JournalFile real;
    private final AtomicBoolean fsyncFails;

    /**
     * @param real the file
     * @param fsyncFails the disk's state, shared by every file on it
     */
    FailingJournalFile(JournalFile real, AtomicBoolean fsyncFails) {
        this.real = real;
        this.fsyncFails = fsyncFails;
    }

    @Override
    public void write(byte[] bytes, int offset, int length, long position) throws IOException {
        real.write(bytes, offset, length, position);
    }

    @Override
    public long size() throws IOException {
        return real.size();
    }

    @Override
    public void truncate(long size) throws IOException {
        real.truncate(size);
    }

    @Override
    public void sync() throws IOException {
        if (fsyncFails.get()) {
            throw new IOException("Input/output error");
        }
        real.sync();
    }

    @Override
    public void close() throws IOException {
        real.close();
    }
}
