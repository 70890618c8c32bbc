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
 * {@link #force} runs concurrently on the store's own threads (group sync, batched flusher, compactor),
 * never on a caller's thread, whose interrupt would close the channel.
 *
 * <p>Positions are counted as log sequence numbers (LSN): bytes appended since open, across rotations, so
 * "durable up to" stays comparable when the file changes.
 */
final class Journal implements AutoCloseable {
    private final Path directory;
    private final FileChannelFactory channels;
    private volatile FileChannel channel;
    private Path path;
    private long sequence;
    private long size;
    /** Bytes appended over the life of this store, across files: the position of the last complete line. */
    private volatile long appendedLsn;
    /** The part of {@link #appendedLsn} known to be fsynced. */
    private volatile long durableLsn;
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
     * Appends whole lines, not yet fsynced; on failure the file is cut back to where it was.
     *
     * @param bytes one or more complete lines
     * @return the LSN just past them: {@link #force} up to it makes them durable
     */
    long append(ByteBuffer bytes) throws IOException {
        repairIfNeeded();
        FileChannel ch = channel;
        int length = bytes.remaining();
        try {
            long at = size;
            while (bytes.hasRemaining()) {
                at += ch.write(bytes, at);
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
        appendedLsn += length;
        return appendedLsn;
    }

    long appendedLsn() {
        return appendedLsn;
    }

    long durableLsn() {
        return durableLsn;
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

    /**
     * Fsyncs everything appended so far.
     *
     * @return the LSN now known durable
     */
    long force() throws IOException {
        long target = appendedLsn; // read first: every byte up to it is in the channel read below, or older
        if (target <= durableLsn) {
            return durableLsn;
        }
        FileChannel ch = channel;
        try {
            ch.force(false);
        } catch (ClosedChannelException e) {
            if (channel == ch) {
                throw e;
            }
            // Rotated meanwhile: rotate() fsynced this file before closing it.
        }
        synchronized (this) {
            durableLsn = Math.max(durableLsn, target);
            return durableLsn;
        }
    }

    /** Closes this file (fsynced) and continues in the next sequence number's file. */
    void rotate() throws IOException {
        repairIfNeeded();
        FileChannel old = channel;
        old.force(true);
        synchronized (this) {
            durableLsn = Math.max(durableLsn, appendedLsn);
        }
        long next = sequence + 1;
        openFile(next, 0);
        AtomicFiles.syncDirectory(directory);
        old.close();
    }

    @Override
    public void close() throws IOException {
        FileChannel ch = channel;
        try {
            force();
        } finally {
            ch.close();
        }
    }
}
