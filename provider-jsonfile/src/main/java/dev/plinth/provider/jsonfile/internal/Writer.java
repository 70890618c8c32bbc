package dev.plinth.provider.jsonfile.internal;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.api.storage.StorageException;
import dev.plinth.provider.jsonfile.JournalWriteException;
import dev.plinth.spi.storage.Namespace;
import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;

/**
 * The write path's mechanics, in the one order that makes a failed write invisible: under the write lock
 * the caller checks everything that can refuse the write, then {@link #commit} appends one journal line,
 * changes memory and queues the change's events; after the lock is released the writer waits for its line
 * to be as durable as the {@link WriteDurability} promises (sync mode: fsynced, shared by concurrent
 * writers). Other readers may see a change slightly before its fsync completes.
 */
final class Writer {
    private final KeySpace space;
    private final Journal journal;
    private final RecordCodec codec;
    private final EventQueue events;
    private final WriteDurability durability;
    private final Maintenance maintenance;
    private final WriteLock writeLock;
    private final Lifecycle lifecycle;
    /** The journal line being built; reused under the write lock. */
    private final RecordBuffer line = new RecordBuffer();
    /** Guarded by the write lock: the LSN the current write must wait for, 0 when it wrote nothing. */
    private long pendingLsn;

    Writer(
            KeySpace space,
            Journal journal,
            RecordCodec codec,
            EventQueue events,
            WriteDurability durability,
            Maintenance maintenance,
            WriteLock writeLock,
            Lifecycle lifecycle) {
        this.space = space;
        this.journal = journal;
        this.codec = codec;
        this.events = events;
        this.durability = durability;
        this.maintenance = maintenance;
        this.writeLock = writeLock;
        this.lifecycle = lifecycle;
    }

    /**
     * Runs {@code body} under the write lock, then waits outside it until what it appended is durable.
     *
     * @throws dev.plinth.api.storage.StoreClosedException once the store is closed
     */
    <T> T write(Supplier<T> body) {
        T result;
        long lsn;
        writeLock.lockForWrite();
        try {
            lifecycle.checkOpen();
            pendingLsn = 0;
            result = body.get();
            lsn = pendingLsn;
        } finally {
            writeLock.unlock();
        }
        if (lsn > 0) {
            durability.awaitDurable(lsn);
        }
        return result;
    }

    /**
     * Journal first, then memory, then events. Called inside {@link #write} once nothing can refuse the
     * changes but the disk.
     *
     * @throws JournalWriteException when the line could not be appended (nothing changed), or writes are
     *     refused after a failed fsync until the data is rewritten
     */
    void commit(Namespace ns, List<Change> changes) {
        IOException syncFailure = journal.syncFailure();
        if (syncFailure != null) {
            // After a failed fsync the journal's content on disk is unknown: refuse writes until the data is
            // rewritten to new files, and make sure that is being tried.
            maintenance.requestRepair();
            throw journal.refused(syncFailure);
        }
        line.clear();
        try {
            codec.writeJournalLine(line, ns, changes);
        } catch (IOException e) {
            throw new StorageException("Cannot encode a journal line for " + ns + ": " + e, e);
        }
        long lsn;
        try {
            lsn = journal.append(line.array(), 0, line.size());
        } catch (IOException e) {
            throw new JournalWriteException(journal.path(), e);
        }
        space.apply(ns, changes);
        pendingLsn = lsn;
        for (Change c : changes) {
            if (c instanceof Change.Put p) {
                if (p.reported()) {
                    events.add(lsn, ns, ChangeType.SET, p.key(), p.item().version());
                }
            } else if (c instanceof Change.Remove r) {
                events.add(lsn, ns, ChangeType.DELETE, r.key(), 0);
            } else {
                events.add(lsn, ns, ChangeType.CLEAR, null, 0);
            }
        }
        durability.appended(lsn);
        maintenance.compactIfDue();
    }
}
