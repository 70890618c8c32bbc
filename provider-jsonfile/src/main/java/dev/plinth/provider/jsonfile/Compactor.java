package dev.plinth.provider.jsonfile;

import dev.plinth.spi.storage.Namespace;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
 */
final class Compactor {
    private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);

    private final Path directory;
    private final RecordCodec codec;
    private final KeySpace space;
    private final Journal journal;
    private final ReentrantLock writeLock;
    private final BooleanSupplier closed;
    /** Only the compacting thread reads or replaces it. */
    private Manifest manifest;

    Compactor(Path directory, RecordCodec codec, KeySpace space, Journal journal, ReentrantLock writeLock,
            Manifest manifest, BooleanSupplier closed) {
        this.directory = directory;
        this.codec = codec;
        this.space = space;
        this.journal = journal;
        this.writeLock = writeLock;
        this.manifest = manifest;
        this.closed = closed;
    }

    synchronized void run() {
        Set<Namespace> changed;
        long lastVersion;
        long journalFrom;
        writeLock.lock();
        try {
            if (closed.getAsBoolean()) {
                return;
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
        Map<String, String> files = new TreeMap<>(manifest.namespaces());
        List<String> replaced = new ArrayList<>();
        List<String> written = new ArrayList<>();
        try {
            long now = System.currentTimeMillis();
            for (Namespace ns : changed) {
                String old = files.remove(ns.path());
                if (old != null) {
                    replaced.add(old);
                }
                NamespaceIndex index = space.index(ns);
                if (index == null || index.items.isEmpty()) {
                    continue;
                }
                String name = FileNames.snapshot(ns.path(), generation);
                AtomicFiles.write(directory, name,
                        out -> SnapshotFile.write(out, codec, ns.path(), index.items.entrySet(), now));
                written.add(name);
                files.put(ns.path(), name);
            }
            // A fuzzy snapshot may hold batched writes not yet fsynced in the journal: sync them first, so
            // the files never get ahead of the journal they are replayed with.
            journal.force();
            Manifest next = new Manifest(generation, journalFrom, lastVersion, files);
            next.write(directory);
            manifest = next;
        } catch (IOException | RuntimeException e) {
            LOG.warn("Compaction of {} failed; every journal is kept and compaction will be retried", directory, e);
            for (String name : written) {
                JsonFileBackend.deleteQuietly(directory.resolve(name));
            }
            writeLock.lock();
            try {
                space.dirty.addAll(changed);
            } finally {
                writeLock.unlock();
            }
            return;
        }
        for (String name : replaced) {
            JsonFileBackend.deleteQuietly(directory.resolve(name));
        }
        deleteJournalsBefore(journalFrom);
        LOG.debug("Compacted {}: generation {}, {} namespaces rewritten", directory, generation, changed.size());
    }

    private void deleteJournalsBefore(long sequence) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "journal-*.jsonl")) {
            for (Path f : files) {
                long seq = FileNames.journalSequence(f.getFileName().toString());
                if (seq >= 0 && seq < sequence) {
                    JsonFileBackend.deleteQuietly(f);
                }
            }
        } catch (IOException e) {
            LOG.debug("Could not list {} to delete old journals: {}", directory, e.toString());
        }
    }
}
