package dev.plinth.provider.jsonfile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * The append-only journal file being written. One line per committed change; a failed append is cut off
 * again so the next line never follows a half-written one.
 *
 * <p>{@link #append}, {@link #rotate} and {@link #close} run under the backend's write lock;
 * {@link #forceIfDirty} may run concurrently (the batched flusher).
 */
final class Journal implements AutoCloseable {
    private final Path directory;
    private final FileChannelFactory channels;
    private volatile FileChannel channel;
    private Path path;
    private long sequence;
    private long size;
    private volatile boolean dirty;
    /** Set when a failed append could not be cut off; appends fail until the cut succeeds. */
    private boolean needsTruncate;

    private Journal(Path directory, FileChannelFactory channels) {
        this.directory = directory;
        this.channels = channels;
    }

    /**
     * Opens journal {@code sequence} for appending after its first {@code validLength} bytes, cutting off
     * anything beyond (a torn line already set aside by recovery).
     */
    static Journal open(Path directory, long sequence, long validLength, FileChannelFactory channels)
            throws IOException {
        Journal j = new Journal(directory, channels);
        j.openFile(sequence, validLength);
        return j;
    }

    private void openFile(long seq, long validLength) throws IOException {
        Path p = directory.resolve(FileNames.journal(seq));
        FileChannel ch = channels.openForAppend(p);
        try {
            if (ch.size() > validLength) {
                ch.truncate(validLength);
                ch.force(true);
            }
            this.size = ch.size();
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        this.channel = ch;
        this.path = p;
        this.sequence = seq;
    }

    Path path() {
        return path;
    }

    long sequence() {
        return sequence;
    }

    long size() {
        return size;
    }

    /**
     * Appends whole lines; on failure the file is cut back to where it was.
     *
     * @param bytes one or more complete lines
     * @param sync fsync before returning
     */
    void append(ByteBuffer bytes, boolean sync) throws IOException {
        repairIfNeeded();
        FileChannel ch = channel;
        int length = bytes.remaining();
        try {
            long at = size;
            while (bytes.hasRemaining()) {
                at += ch.write(bytes, at);
            }
            if (sync) {
                ch.force(false);
            } else {
                dirty = true;
            }
        } catch (IOException e) {
            try {
                ch.truncate(size);
            } catch (IOException again) {
                needsTruncate = true;
                e.addSuppressed(again);
            }
            throw e;
        }
        size += length;
    }

    /**
     * Undoes the damage of an earlier failed append: cuts off its partial line, and reopens the file when
     * the channel was closed (an interrupted thread's I/O closes a FileChannel). Done by the next writer,
     * because an interrupted thread cannot do channel I/O at all.
     */
    private void repairIfNeeded() throws IOException {
        if (!channel.isOpen()) {
            openFile(sequence, size);
            needsTruncate = false;
        } else if (needsTruncate) {
            channel.truncate(size);
            needsTruncate = false;
        }
    }

    /** Fsyncs writes made without {@code sync}; a no-op when there are none. */
    void forceIfDirty() throws IOException {
        if (!dirty) {
            return;
        }
        dirty = false;
        try {
            channel.force(false);
        } catch (ClosedChannelException e) {
            // rotated or closed meanwhile: both force before closing
        } catch (IOException e) {
            dirty = true;
            throw e;
        }
    }

    /** Closes this file (fsynced) and continues in the next sequence number's file. */
    void rotate() throws IOException {
        repairIfNeeded();
        FileChannel old = channel;
        old.force(true);
        long next = sequence + 1;
        openFile(next, 0);
        AtomicFiles.syncDirectory(directory);
        dirty = false;
        old.close();
    }

    @Override
    public void close() throws IOException {
        FileChannel ch = channel;
        try {
            ch.force(true);
        } finally {
            ch.close();
        }
    }
}
