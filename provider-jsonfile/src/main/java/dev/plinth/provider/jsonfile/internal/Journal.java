package dev.plinth.provider.jsonfile.internal;

import dev.plinth.provider.jsonfile.JournalWriteException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The append-only journal file being written. One line per committed change; a failed append is cut off
 * again so the next line never follows a half-written one.
 *
 * <p>{@link #append}, {@link #rotate} and {@link #close} run under the backend's write lock;
 * {@link #force} runs concurrently on the store's own threads (group sync, batched flusher, compactor) and,
 * while closing, on the caller's. No call here can be broken by an interrupt ({@link JournalFile}).
 * {@link #force} and the file switch of {@link #rotate} exclude each other, so an fsync never meets a
 * file that was closed under it.
 *
 * <p>A failed fsync makes the file untrustworthy: Linux may drop the dirty pages it could not write and
 * let a later fsync succeed, so a retry proves nothing. The failure is kept ({@link #syncFailure}), every
 * later fsync fails at once, and the store's repair ({@link Maintenance}) continues in a new file
 * ({@link #restartAfterFailure}) and rewrites everything in memory as snapshots before it calls
 * {@link #markRewritten}.
 *
 * <p>Positions are counted as log sequence numbers (LSN): bytes appended since open, across rotations, so
 * "durable up to" stays comparable when the file changes.
 */
final class Journal implements AutoCloseable {
    private final Path directory;
    private final AtomicFiles files;
    private final JournalFile.Opener opener;
    private final RecordCodec codec;
    /** Held while an fsync runs and while the file is switched. */
    private final Object syncLock = new Object();
    /** Guarded by syncLock for replacement; read by the writer under the write lock. */
    private volatile JournalFile file;

    private volatile Path path;
    private volatile long sequence;
    private long size;
    /** Bytes appended over the life of this store, across files: the position of the last complete line. */
    private volatile long appendedLsn;
    /** The part of {@link #appendedLsn} known to be fsynced. */
    private volatile long durableLsn;
    /** Set when a failed append could not be cut off; appends fail until the cut succeeds. */
    private boolean needsTruncate;
    /** The fsync failure that made this journal untrustworthy, until {@link #markRewritten}. */
    private volatile IOException syncFailure;
    /** Whether the file in use was started after {@link #syncFailure}, so is sound. Under the write lock. */
    private boolean restarted;

    private Journal(AtomicFiles files, JournalFile.Opener opener, RecordCodec codec) {
        this.directory = files.directory();
        this.files = files;
        this.opener = opener;
        this.codec = codec;
    }

    /**
     * Opens journal {@code sequence} for appending after its first {@code validLength} bytes, cutting off
     * anything beyond (a torn line already set aside by recovery).
     */
    static Journal open(
            AtomicFiles files, long sequence, long validLength, JournalFile.Opener opener, RecordCodec codec)
            throws IOException {
        Journal j = new Journal(files, opener, codec);
        Path p = j.directory.resolve(FileNames.journal(sequence));
        JournalFile f = j.openFile(p, validLength);
        j.file = f;
        j.path = p;
        j.sequence = sequence;
        return j;
    }

    /**
     * Creates journal {@code sequence}, which must not exist yet (or hold only its header), and opens it for
     * appending.
     */
    static Journal create(AtomicFiles files, long sequence, JournalFile.Opener opener, RecordCodec codec)
            throws IOException {
        Journal j = new Journal(files, opener, codec);
        Path p = j.directory.resolve(FileNames.journal(sequence));
        JournalFile f = j.startFile(p, sequence);
        j.file = f;
        j.path = p;
        j.sequence = sequence;
        try {
            j.size = f.size();
        } catch (IOException e) {
            f.close();
            throw e;
        }
        return j;
    }

    private JournalFile openFile(Path p, long validLength) throws IOException {
        JournalFile f = opener.open(p);
        try {
            if (f.size() > validLength) {
                f.truncate(validLength);
                f.sync();
            }
            this.size = f.size();
        } catch (IOException e) {
            f.close();
            throw e;
        }
        return f;
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
     * @param offset where they start in {@code bytes}
     * @param length their length
     * @return the LSN just past them: {@link #force} up to it makes them durable
     */
    @SuppressWarnings("NonAtomicVolatileUpdate") // under the write lock: one writer; volatile for the sync thread
    long append(byte[] bytes, int offset, int length) throws IOException {
        repairIfNeeded();
        JournalFile f = file;
        try {
            f.write(bytes, offset, length, size);
        } catch (IOException e) {
            try {
                f.truncate(size);
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

    /** Cuts off the partial line of an earlier failed append whose own cut failed. */
    private void repairIfNeeded() throws IOException {
        if (needsTruncate) {
            file.truncate(size);
            needsTruncate = false;
        }
    }

    /**
     * Fsyncs everything appended so far.
     *
     * @return the LSN now known durable
     */
    long force() throws IOException {
        synchronized (syncLock) {
            if (syncFailure != null) {
                throw new IOException("an earlier fsync of the journal failed (" + syncFailure + ")", syncFailure);
            }
            long target = appendedLsn; // read first: every byte up to it is in the file synced below, or older
            if (target <= durableLsn) {
                return durableLsn;
            }
            try {
                file.sync();
            } catch (IOException e) {
                syncFailure = e;
                throw e;
            }
            durableLsn = target;
            return target;
        }
    }

    /** The write's own fsync failed: it is in memory, its durability unknown. */
    JournalWriteException notDurable(Throwable cause) {
        return new JournalWriteException(
                "The write reached " + path + " but its fsync failed (" + cause
                        + "): the change is visible but may not be on disk; the store now rewrites its data to new"
                        + " files and accepts writes again once that succeeds",
                path,
                cause);
    }

    /** An earlier fsync failed and the rewrite has not succeeded yet: nothing was changed. */
    JournalWriteException refused(Throwable cause) {
        return new JournalWriteException(
                "Cannot write to " + path + ": an fsync of the journal failed (" + cause
                        + "), so what it holds on disk is unknown; writes are refused until the store has rewritten"
                        + " its data to new files (retried in the background); nothing was changed",
                path,
                cause);
    }

    /** @return the fsync failure that makes the journal untrustworthy, or {@code null} */
    IOException syncFailure() {
        return syncFailure;
    }

    /**
     * After a failed fsync, continues in a new file and leaves the untrustworthy one unsynced; done once
     * per failure, and only once an fsync of the new file shows the disk works again. Under the write lock.
     */
    void restartAfterFailure() throws IOException {
        if (syncFailure == null || restarted) {
            return;
        }
        long next = sequence + 1;
        Path nextPath = directory.resolve(FileNames.journal(next));
        JournalFile nextFile = startFile(nextPath, next);
        long nextSize;
        try {
            // A probe: until the disk fsyncs again, a rewrite could not be trusted either.
            nextFile.sync();
            nextSize = nextFile.size();
        } catch (IOException e) {
            nextFile.close();
            AtomicFiles.deleteQuietly(nextPath);
            throw e;
        }
        JournalFile old;
        synchronized (syncLock) {
            old = file;
            file = nextFile;
            path = nextPath;
            sequence = next;
            size = nextSize;
            needsTruncate = false;
            restarted = true;
        }
        try {
            old.close();
        } catch (IOException e) {
            // abandoned anyway
        }
    }

    /**
     * Everything appended is durable again, because all of memory was written to new snapshot files. Under
     * the write lock, after {@link #restartAfterFailure}.
     */
    void markRewritten() {
        synchronized (syncLock) {
            syncFailure = null;
            restarted = false;
            durableLsn = appendedLsn;
        }
    }

    /**
     * Creates a journal file holding its header line, atomically and durably (temp file, fsync, rename,
     * fsync of the folder), so a journal never exists without its header: an empty one is damage.
     */
    private JournalFile startFile(Path p, long seq) throws IOException {
        RecordBuffer header = new RecordBuffer();
        codec.writeJournalHeader(header, seq);
        // One holding just this header is left by an earlier attempt whose folder fsync failed and whose
        // delete failed too; it holds no change, so it is replaced: refusing it would fail every later
        // compaction and repair, and leave it behind the journal still appended to.
        if (Files.exists(p) && !holdsOnly(p, header)) {
            throw new IOException(p + " already exists");
        }
        try {
            files.write(p.getFileName().toString(), out -> out.write(header.array(), 0, header.size()));
        } catch (AtomicFiles.NotDurableException e) {
            // Its name may not survive a power loss, and every line acknowledged in it would go with it.
            AtomicFiles.deleteQuietly(p);
            throw e;
        }
        try {
            return opener.open(p);
        } catch (IOException e) {
            AtomicFiles.deleteQuietly(p);
            throw e;
        }
    }

    private static boolean holdsOnly(Path p, RecordBuffer header) throws IOException {
        if (Files.size(p) != header.size()) {
            return false;
        }
        byte[] bytes = Manifest.readAll(p);
        return java.util.Arrays.equals(bytes, 0, bytes.length, header.array(), 0, header.size());
    }

    /**
     * Closes this file (fsynced) and continues in the next sequence number's file. The next file is made
     * here, under the write lock, on purpose: while it exists no line is being appended to this one. And
     * this one is fsynced before the next exists, so once a journal holding a change follows it, its tail is
     * on disk whole: a torn line after a crash or power loss can only ever be in the newest journal, not
     * counting newer ones that hold only their header (which {@link Recovery} looks past).
     */
    void rotate() throws IOException {
        repairIfNeeded();
        // Before startFile: were the order reversed, a power loss between the two would leave this file's
        // unsynced tail (up to flushInterval of batched writes) torn behind a newer journal.
        force();
        long next = sequence + 1;
        Path nextPath = directory.resolve(FileNames.journal(next));
        JournalFile nextFile = startFile(nextPath, next);
        long nextSize;
        try {
            nextSize = nextFile.size();
        } catch (IOException e) {
            nextFile.close();
            AtomicFiles.deleteQuietly(nextPath);
            throw e;
        }
        JournalFile old;
        synchronized (syncLock) {
            // Nothing was appended since force(): the write lock is held, so every byte of old is durable.
            old = file;
            file = nextFile;
            path = nextPath;
            sequence = next;
            size = nextSize;
        }
        old.close();
    }

    @Override
    public void close() throws IOException {
        synchronized (syncLock) {
            try {
                force();
            } finally {
                file.close();
            }
        }
    }
}
