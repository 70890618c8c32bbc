package dev.plinth.provider.jsonfile.internal;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;

/**
 * The open journal file: positional writes, truncation and fsync, and nothing that an interrupt can break.
 *
 * <p>Why not a {@link java.nio.channels.FileChannel}: a FileChannel is interruptible, so a caller's thread
 * that is interrupted while (or before) it writes closes the channel for every thread, and the next
 * fsync fails for everyone (issue 14). {@link RandomAccessFile} does the same system calls
 * (pwrite-like writes, ftruncate, fsync) through {@code java.io}, which ignores interrupts.
 */
interface JournalFile extends Closeable {

    /** Opens journal files; a seam so a test can make fsync fail, which no real file system here can. */
    @FunctionalInterface
    interface Opener {
        /** The real file system. */
        Opener DEFAULT = RandomAccess::new;

        /**
         * @param path an existing journal
         * @return it, open for reading and writing
         */
        JournalFile open(Path path) throws IOException;
    }

    /** Writes all of {@code bytes[offset, offset + length)} at {@code position}. */
    void write(byte[] bytes, int offset, int length, long position) throws IOException;

    long size() throws IOException;

    void truncate(long size) throws IOException;

    /** Makes everything written durable (fsync). */
    void sync() throws IOException;

    /** The real file, through {@code java.io}. */
    final class RandomAccess implements JournalFile {
        private final RandomAccessFile file;

        RandomAccess(Path path) throws IOException {
            this.file = new RandomAccessFile(path.toFile(), "rw");
        }

        @Override
        public void write(byte[] bytes, int offset, int length, long position) throws IOException {
            // Only the writer holding the backend's write lock writes, so seek-then-write cannot interleave.
            file.seek(position);
            file.write(bytes, offset, length);
        }

        @Override
        public long size() throws IOException {
            return file.length();
        }

        @Override
        public void truncate(long size) throws IOException {
            file.setLength(size);
        }

        @Override
        public void sync() throws IOException {
            file.getFD().sync();
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }
}
