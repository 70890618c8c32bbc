package dev.plinth.provider.jsonfile;

import java.io.IOException;

/**
 * A journal file whose fsync fails on demand with EIO, as a failing disk's would. The one fault these
 * tests cannot make real: a full disk is a real tmpfs ({@link DiskFullTest}), but an fsync error needs a
 * block device that fails (device-mapper), which the build machine does not offer.
 */
final class FailingJournalFile implements JournalFile {
    private final JournalFile real;
    volatile boolean fsyncFails;

    FailingJournalFile(JournalFile real) {
        this.real = real;
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
        if (fsyncFails) {
            throw new IOException("Input/output error");
        }
        real.sync();
    }

    @Override
    public void close() throws IOException {
        real.close();
    }
}
