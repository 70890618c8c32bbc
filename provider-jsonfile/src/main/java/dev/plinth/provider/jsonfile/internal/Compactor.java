package dev.plinth.provider.jsonfile.internal;

import dev.plinth.spi.storage.Namespace;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shrinks the journal in the background without stopping writers for longer than a file switch.
 *
 * <p>Under the write lock it only switches the journal to a new file and takes the set of namespaces
 * changed since the last compaction. Then, without the lock, it rewrites just those namespaces as
 * snapshot files of a new generation while writes go on. Such a snapshot is "fuzzy" (it may already hold
 * some writes made after the switch), which is correct because every journal record is absolute (a put
 * carries the whole entry; a delete or clear needs no prior state): replaying the new journal over it ends
 * in the same state. Finally the manifest is replaced atomically and the files it no longer names are
 * deleted. If anything fails the old manifest stays in force, the journals are kept, and the namespaces
 * are marked changed again for the next attempt.
 *
 * <p>One failure is not "nothing happened": the manifest renamed into place whose folder fsync failed
 * ({@link AtomicFiles.NotDurableException}). It is what the folder holds now, so it is adopted and its
 * snapshots are kept; the manifest it replaced may come back with a power loss, so that one's files are
 * kept too, until a manifest is known durable ({@link #resync}, retried by {@link Maintenance}, or the next
 * compaction's). Only then are the files that just the replaced manifests needed deleted.
 *
 * <p>{@link #repair} is the same work for every namespace after a failed fsync, when the journal can no
 * longer be trusted: writes are refused meanwhile, so its snapshots are exact, and once its manifest is
 * durably in place nothing needs the old journals any more.
 *
 * <p>About 410 lines: a compaction and its undo, and the manifest kept until it is durable, are one protocol
 * that must be read together.
 */
final class Compactor {
    private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);

    private final Path directory;
    private final AtomicFiles files;
    private final RecordCodec codec;
    private final KeySpace space;
    private final Journal journal;
    private final ReentrantLock writeLock;
    private final BooleanSupplier closed;
    /** The runtime's clock: expired entries are left out of snapshots. */
    private final InstantSource clock;
    /** The manifest in place on disk. Only the compacting thread reads or replaces it. */
    private Manifest manifest;
    /**
     * Manifests replaced since the last one known durable (that one included): a power loss may bring any
     * of them back, so the files they name are kept. Empty when {@link #manifest} is durable.
     */
    private final List<Manifest> replaced = new ArrayList<>();
    /** Whether {@link #manifest} may not survive a power loss yet; read by {@link Maintenance}. */
    private volatile boolean unsynced;
    /** Compactions completed; written by run(), which is synchronized, read by the probe. */
    private volatile long compactions;

    /** Failed repair attempts since the last success: only the first is logged as a warning. */
    private int repairFailures;

    Compactor(
            AtomicFiles files,
            RecordCodec codec,
            KeySpace space,
            Journal journal,
            ReentrantLock writeLock,
            Manifest manifest,
            BooleanSupplier closed,
            InstantSource clock) {
        this.directory = files.directory();
        this.files = files;
        this.codec = codec;
        this.space = space;
        this.journal = journal;
        this.writeLock = writeLock;
        this.manifest = manifest;
        this.closed = closed;
        this.clock = clock;
    }

    @SuppressWarnings("NonAtomicVolatileUpdate") // only run() writes it, and run() is synchronized
    synchronized void run() {
        Set<Namespace> changed;
        long lastVersion;
        long journalFrom;
        writeLock.lock();
        try {
            if (closed.getAsBoolean() || journal.syncFailure() != null) {
                return; // after a failed fsync, repair() rewrites everything instead
            }
            journal.rotate();
            changed = space.dirty;
            space.dirty = new HashSet<>();
            lastVersion = space.lastVersion;
            journalFrom = journal.sequence();
        } catch (IOException e) {
            LOG.warn("Compaction of {} could not start a new journal; the current one keeps growing", directory, e);
            return;
        } finally {
            writeLock.unlock();
        }
        long generation = manifest.generation() + 1;
        List<String> written = new ArrayList<>();
        Manifest next;
        try {
            next = writeSnapshots(
                    changed, new TreeMap<>(manifest.namespaces()), generation, journalFrom, lastVersion, written, true);
            install(next);
        } catch (AtomicFiles.NotDurableException e) {
            LOG.warn(
                    "Compaction of {}: {}; it is kept in force with the files of the manifest before it, and"
                            + " its write is retried",
                    directory,
                    e.getMessage(),
                    e);
            return;
        } catch (IOException | RuntimeException e) {
            LOG.warn("Compaction of {} failed; every journal is kept and compaction will be retried", directory, e);
            undo(written, changed);
            return;
        }
        compactions++;
        LOG.debug("Compacted {}: generation {}, {} namespaces rewritten", directory, generation, changed.size());
    }

    /** @return compactions completed since open (diagnostics: the storage probe reports it) */
    long compactions() {
        return compactions;
    }

    /**
     * After a failed fsync: continues in a new journal, writes every namespace in memory as a snapshot of a
     * new generation and a manifest that needs none of the older files. Writes are refused until it
     * succeeds ({@link Journal#syncFailure}), so memory holds still meanwhile.
     *
     * @param onRewritten run under the write lock once everything in memory is durable again
     * @return whether the store is sound again
     */
    synchronized boolean repair(Runnable onRewritten) {
        Set<Namespace> all;
        long lastVersion;
        long journalFrom;
        writeLock.lock();
        try {
            if (journal.syncFailure() == null) {
                return true;
            }
            journal.restartAfterFailure();
            all = new HashSet<>(space.indexes.keySet());
            space.dirty = new HashSet<>();
            lastVersion = space.lastVersion;
            journalFrom = journal.sequence();
        } catch (IOException e) {
            repairFailed("Could not start a new journal in {} after a failed fsync; writes stay refused, retrying", e);
            return false;
        } finally {
            writeLock.unlock();
        }
        List<String> written = new ArrayList<>();
        Manifest next;
        try {
            if (unsynced && manifest.journalFrom() == journalFrom) {
                // An earlier attempt wrote all of memory and only its manifest's folder fsync failed; writes
                // have been refused since, so writing that manifest again is the whole repair.
                next = manifest;
            } else {
                next = writeSnapshots(
                        all, new TreeMap<>(), manifest.generation() + 1, journalFrom, lastVersion, written, false);
            }
            install(next);
        } catch (AtomicFiles.NotDurableException e) {
            // Not durable, so not yet a repair: writes stay refused, and the files stay for the next attempt.
            repairFailed(
                    "After a failed fsync, the data of {} is rewritten, but the manifest naming it may not"
                            + " survive a power loss; writes stay refused, retrying",
                    e);
            return false;
        } catch (IOException | RuntimeException e) {
            repairFailed("Could not rewrite the data of {} after a failed fsync; writes stay refused, retrying", e);
            undo(written, all);
            return false;
        }
        writeLock.lock();
        try {
            journal.markRewritten();
            onRewritten.run();
        } finally {
            writeLock.unlock();
        }
        repairFailures = 0;
        LOG.warn(
                "Rewrote all data of {} to new files after a failed fsync (generation {}); writes are accepted"
                        + " again",
                directory,
                next.generation());
        return true;
    }

    /**
     * Whether the manifest in place may not survive a power loss yet (its folder fsync failed), so that
     * {@link #resync} is due.
     */
    boolean unsynced() {
        return unsynced;
    }

    /**
     * Makes the manifest in place durable after its folder fsync failed, then deletes what only the
     * manifests it replaced needed. It writes the manifest again rather than retrying the fsync alone: a
     * failed fsync may have dropped the folder's unwritten change, and a later fsync that succeeds would
     * not bring it back, whereas a new rename is a new change that the fsync then covers.
     *
     * @return whether the manifest in place is durable
     */
    synchronized boolean resync() {
        if (!unsynced) {
            return true;
        }
        try {
            install(manifest);
        } catch (IOException | RuntimeException e) {
            repairFailed(
                    "Could not make the manifest of {} durable after a failed fsync of the folder; the files"
                            + " of the manifests before it are kept, retrying",
                    e);
            return false;
        }
        repairFailures = 0;
        LOG.info("The manifest of {} is durable again (generation {})", directory, manifest.generation());
        return true;
    }

    /**
     * At open, before any other thread runs, for a folder that is new, of the previous format or without
     * its manifest: writes every namespace in memory as a snapshot and a manifest in the current format,
     * needing only the journal just created. Nothing else is changed; on failure, what it wrote is removed,
     * unless the manifest is in place with its folder fsync failed: then the open goes on with it, keeping
     * every file, and {@link #resync} is due.
     */
    void rewriteAll() throws IOException {
        Set<Namespace> all = new HashSet<>(space.indexes.keySet());
        boolean anyData = all.stream().anyMatch(ns -> !space.index(ns).items.isEmpty());
        long generation = anyData ? manifest.generation() + 1 : manifest.generation();
        List<String> written = new ArrayList<>();
        try {
            Manifest next = writeSnapshots(
                    all, new TreeMap<>(), generation, journal.sequence(), space.lastVersion, written, false);
            try {
                next.write(files);
                manifest = next;
            } catch (AtomicFiles.NotDurableException e) {
                adopt(next);
                LOG.warn(
                        "Writing the data of {} in format {}: {}; the files as found are kept until its write,"
                                + " retried in the background, succeeds",
                        directory,
                        Manifest.FORMAT,
                        e.getMessage(),
                        e);
            }
        } catch (IOException | RuntimeException e) {
            for (String name : written) {
                AtomicFiles.deleteQuietly(directory.resolve(name));
            }
            throw e;
        }
        space.dirty.clear();
        LOG.info(
                "Wrote the data of {} in format {}: {} namespaces, journal {}",
                directory,
                Manifest.FORMAT,
                manifest.namespaces().size(),
                journal.path().getFileName());
    }

    /**
     * At open, once the data set is known complete: deletes what the manifest in force no longer needs
     * (journals before {@code journalFrom}, snapshots it does not list, temp files of interrupted writes).
     * Nothing while that manifest may not be durable: a power loss may bring back the one it replaced.
     */
    void deleteObsolete() {
        if (unsynced) {
            return;
        }
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(directory)) {
            for (Path f : listing) {
                String name = f.getFileName().toString();
                long seq = FileNames.journalSequence(name);
                if ((seq >= 0 && seq < manifest.journalFrom())
                        || (FileNames.isSnapshot(name) && !manifest.namespaces().containsValue(name))
                        || FileNames.isTemp(name)) {
                    AtomicFiles.deleteQuietly(f);
                }
            }
        } catch (IOException e) {
            LOG.debug("Could not list {} to delete obsolete files: {}", directory, e.toString());
        }
    }

    private void repairFailed(String message, Exception e) {
        // Retried every second while the disk fails: one warning, then debug.
        if (repairFailures++ == 0) {
            LOG.warn(message, directory, e);
        } else {
            LOG.debug(message + " (attempt {}): {}", directory, repairFailures, e.toString());
        }
    }

    /**
     * Writes snapshots of {@code namespaces} over {@code snapshots} (namespace to snapshot file) and
     * returns the manifest naming them, not yet written. Names written are added to {@code written}, for
     * {@link #undo}: a snapshot renamed into place whose folder fsync failed too, since no manifest names
     * it yet.
     */
    private Manifest writeSnapshots(
            Set<Namespace> namespaces,
            Map<String, String> snapshots,
            long generation,
            long journalFrom,
            long lastVersion,
            List<String> written,
            boolean syncJournal)
            throws IOException {
        long now = clock.millis();
        for (Namespace ns : namespaces) {
            snapshots.remove(ns.path());
            NamespaceIndex index = space.index(ns);
            if (index == null || index.items.isEmpty()) {
                continue;
            }
            String name = FileNames.snapshot(ns.path(), generation);
            try {
                files.write(name, out -> SnapshotFile.write(out, codec, ns.path(), index.items.entrySet(), now));
            } catch (AtomicFiles.NotDurableException e) {
                written.add(name);
                throw new IOException(e.getMessage(), e);
            }
            written.add(name);
            snapshots.put(ns.path(), name);
        }
        if (syncJournal) {
            // A fuzzy snapshot may hold batched writes not yet fsynced in the journal: sync them first, so
            // the files never get ahead of the journal they are replayed with.
            journal.force();
        }
        return new Manifest(generation, journalFrom, lastVersion, snapshots);
    }

    /**
     * Writes {@code next} into place and, once it is durable, deletes the files that only the manifests it
     * replaced needed.
     *
     * @throws AtomicFiles.NotDurableException it is in place, so in force now, but may not survive a power
     *     loss: it is adopted, and every file it or a replaced manifest names is kept
     * @throws IOException it was not written: the manifest in place is unchanged
     */
    @SuppressWarnings("ReferenceEquality") // as in adopt(): the same object means nothing was replaced
    private void install(Manifest next) throws IOException {
        try {
            next.write(files);
        } catch (AtomicFiles.NotDurableException e) {
            adopt(next);
            throw e;
        }
        if (next != manifest) {
            replaced.add(manifest);
            manifest = next;
        }
        unsynced = false;
        for (Manifest old : replaced) {
            for (String name : old.namespaces().values()) {
                if (!next.namespaces().containsValue(name)) {
                    AtomicFiles.deleteQuietly(directory.resolve(name));
                }
            }
        }
        replaced.clear();
        deleteJournalsBefore(next.journalFrom());
    }

    /** Puts {@code next}, in place but maybe not durable, in force, keeping what it replaced. */
    @SuppressWarnings("ReferenceEquality") // the same object means nothing was replaced; equal content is not enough
    private void adopt(Manifest next) {
        if (next != manifest) {
            replaced.add(manifest);
            manifest = next;
        }
        unsynced = true;
    }

    private void undo(List<String> written, Set<Namespace> namespaces) {
        for (String name : written) {
            AtomicFiles.deleteQuietly(directory.resolve(name));
        }
        writeLock.lock();
        try {
            space.dirty.addAll(namespaces);
        } finally {
            writeLock.unlock();
        }
    }

    private void deleteJournalsBefore(long sequence) {
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(directory, "journal-*.jsonl")) {
            for (Path f : listing) {
                long seq = FileNames.journalSequence(f.getFileName().toString());
                if (seq >= 0 && seq < sequence) {
                    AtomicFiles.deleteQuietly(f);
                }
            }
        } catch (IOException e) {
            LOG.debug("Could not list {} to delete old journals: {}", directory, e.toString());
        }
    }
}
