package dev.plinth.provider.jsonfile;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.QuotaExceededException;
import dev.plinth.api.storage.StorageException;
import dev.plinth.api.storage.StoreClosedException;
import dev.plinth.api.storage.VersionConflictException;
import dev.plinth.spi.storage.BackendContext;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.ChangeFeed;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.CommitResult;
import dev.plinth.spi.storage.Counters;
import dev.plinth.spi.storage.Expiry;
import dev.plinth.spi.storage.FastPaths;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.KeyRange;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.NativeCounters;
import dev.plinth.spi.storage.NativePatterns;
import dev.plinth.spi.storage.NativeQuotas;
import dev.plinth.spi.storage.Precondition;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.Write;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open JSON-file store. Reads come from the in-memory {@link KeySpace}; each write, under one write
 * lock, checks its preconditions against memory, appends one journal line (fsynced in {@link Durability#SYNC}
 * mode), and only then changes memory and reports the change, so a write that fails changes nothing and
 * reports nothing (a failed fsync is the one exception, see {@link JournalWriteException}). A write costs
 * one journal line whatever the amount of data; rewriting data happens in the background
 * {@link Compactor}, which also rewrites everything after a failed fsync ({@link #repair}).
 *
 * <p>It reports its own changes ({@link ChangeFeed}) and enforces {@code maxKeys} itself
 * ({@link NativeQuotas}); locks are the runtime's, since one process owns the folder. Expiry is measured
 * on the runtime's clock, and the expiry sweep runs on the runtime's scheduler; compaction, the batched
 * fsync and the repair, which wait on the disk, run on a thread of the store's own.
 */
final class JsonFileStorageBackend implements StorageBackend, FastPaths, NativeCounters, NativePatterns,
        NativeQuotas, ChangeFeed {
    private static final Logger LOG = LoggerFactory.getLogger(JsonFileStorageBackend.class);
    private static final long AWAIT_BACKGROUND_SECONDS = 60;
    /** The pause between attempts to rewrite the data after a failed fsync. */
    private static final long REPAIR_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final JsonFileSettings settings;
    private final Path directory;
    private final RecordCodec codec;
    private final KeySpace space;
    private final Journal journal;
    private final FolderLock folderLock;
    private final InstantSource clock;
    private final WriteLock writeLock = new WriteLock();
    /** The journal line being built; reused under the write lock. */
    private final RecordBuffer line = new RecordBuffer();
    private final ScheduledThreadPoolExecutor background;
    private final Compactor compactor;
    private final EventQueue events;
    /** Group commit in sync mode; {@code null} in batched mode. */
    private final GroupSync groupSync;
    private final String name;
    private volatile boolean closed;
    /** The expiry sweep on the runtime's scheduler; set by {@link #start}. */
    private ScheduledFuture<?> sweeping;
    /** Guarded by the write lock. */
    private boolean compactionQueued;
    /** Guarded by the write lock: the LSN the current write must wait for, 0 when it wrote nothing. */
    private long pendingLsn;
    /** A repair after a failed fsync is scheduled or running. */
    private final AtomicBoolean repairPending = new AtomicBoolean();
    /** When the last repair attempt started (monotonic clock). */
    private volatile long lastRepairNanos = System.nanoTime() - REPAIR_RETRY_NANOS;

    private JsonFileStorageBackend(JsonFileSettings settings, Path directory, BackendContext context,
            RecordCodec codec, Recovery.Result recovered, Journal journal, FolderLock folderLock) {
        this.settings = settings;
        this.directory = directory;
        this.codec = codec;
        this.space = recovered.space();
        this.journal = journal;
        this.folderLock = folderLock;
        this.clock = context.clock();
        this.name = "JSON-file store " + directory;
        this.events = new EventQueue(context.changes());
        this.groupSync = settings.durability() == Durability.SYNC
                ? new GroupSync(journal, events, this::scheduleRepair, "plinth-jsonfile-sync-" + directory.getFileName())
                : null;
        this.compactor = new Compactor(directory, codec, space, journal, writeLock, recovered.manifest(),
                () -> closed, clock);
        this.background = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "plinth-jsonfile-" + directory.getFileName());
            t.setDaemon(true);
            return t;
        });
        background.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        background.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
    }

    /**
     * Takes ownership of the folder, recovers its data and starts the expiry sweep (on the runtime's
     * scheduler), the flusher and the compactor.
     */
    static JsonFileStorageBackend open(JsonFileSettings settings, BackendContext context,
            JournalFile.Opener journalFiles) {
        Path dir = settings.directory().toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw OpenFailure.badFolder("cannot create the folder " + dir, e);
        }
        if (!Files.isDirectory(dir)) {
            throw OpenFailure.badFolder(dir + " is not a folder", null);
        }
        FolderLock lock = FolderLock.acquire(dir);
        try {
            RecordCodec codec = new RecordCodec();
            Recovery.Result recovered = new Recovery(dir, codec, context.clock().millis()).run();
            // The data set is known complete from here on: files may be written and deleted.
            Journal journal = recovered.rewrite() ? newJournal(dir, recovered, journalFiles, codec)
                    : continueJournal(dir, recovered, journalFiles, codec);
            JsonFileStorageBackend backend = new JsonFileStorageBackend(settings, dir, context, codec, recovered,
                    journal, lock);
            if (recovered.rewrite()) {
                try {
                    backend.compactor.rewriteAll();
                } catch (IOException e) {
                    closeQuietly(journal);
                    deleteQuietly(journal.path());
                    throw OpenFailure.io("cannot write the data of " + dir + " in format " + Manifest.FORMAT
                            + " (the files as found are kept)", e);
                } catch (RuntimeException e) {
                    closeQuietly(journal);
                    deleteQuietly(journal.path());
                    throw e;
                }
            }
            backend.compactor.deleteObsolete();
            backend.start(context);
            LOG.debug("Opened {} ({} namespaces, journal {})", dir, recovered.space().indexes.size(),
                    journal.path().getFileName());
            return backend;
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * A new folder, one of the previous format or one that lost its manifest: its data goes to a new
     * journal, snapshots and manifest in the current format ({@link Compactor#rewriteAll}), the journal first.
     */
    private static Journal newJournal(Path dir, Recovery.Result recovered, JournalFile.Opener journalFiles,
            RecordCodec codec) {
        long last = recovered.journalSequence();
        long seq = Files.exists(dir.resolve(FileNames.journal(last))) ? last + 1 : last;
        try {
            return Journal.create(dir, seq, journalFiles, codec);
        } catch (IOException e) {
            throw OpenFailure.io("cannot create the journal " + dir.resolve(FileNames.journal(seq)), e);
        }
    }

    /** Goes on appending to the newest journal, after cutting off a torn last line already set aside. */
    private static Journal continueJournal(Path dir, Recovery.Result recovered, JournalFile.Opener journalFiles,
            RecordCodec codec) {
        Journal journal;
        try {
            journal = Journal.open(dir, recovered.journalSequence(), recovered.journalValidLength(), journalFiles,
                    codec);
        } catch (IOException e) {
            throw OpenFailure.io("cannot open the journal " + dir.resolve(FileNames.journal(
                    recovered.journalSequence())) + " for writing", e);
        }
        try {
            if (recovered.needsNewline()) {
                journal.append(new byte[] {'\n'}, 0, 1);
                journal.force();
            }
        } catch (IOException e) {
            closeQuietly(journal);
            throw OpenFailure.io("cannot write the journal " + journal.path(), e);
        }
        return journal;
    }

    private void start(BackendContext context) {
        if (groupSync != null) {
            groupSync.start();
        }
        long sweep = settings.sweepInterval().toMillis();
        sweeping = context.scheduler().scheduleWithFixedDelay(this::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
        if (settings.durability() == Durability.BATCHED) {
            long flush = settings.flushInterval().toMillis();
            background.scheduleWithFixedDelay(this::flush, flush, flush, TimeUnit.MILLISECONDS);
        }
    }

    private static void closeQuietly(Journal journal) {
        try {
            journal.close();
        } catch (IOException e) {
            LOG.debug("Could not close {}: {}", journal.path(), e.toString());
        }
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("Could not delete {}: {}", file, e.toString());
        }
    }

    // ---------------------------------------------------------------- reads

    @Override
    public BackendEntry get(Namespace ns, String key) {
        checkOpen();
        Item item = liveItem(ns, key, clock.millis());
        return item == null ? null : entry(key, item);
    }

    @Override
    public List<BackendEntry> read(Namespace ns, Collection<String> keys) {
        checkOpen();
        long now = clock.millis();
        List<BackendEntry> out = new ArrayList<>(keys.size());
        long stamp = space.visibility.readLock();
        try {
            NamespaceIndex index = space.index(ns);
            if (index == null) {
                return out;
            }
            for (String key : keys) {
                Item item = index.items.get(key);
                if (item != null && item.liveAt(now)) {
                    out.add(entry(key, item));
                }
            }
        } finally {
            space.visibility.unlockRead(stamp);
        }
        return out;
    }

    @Override
    public boolean exists(Namespace ns, String key) {
        checkOpen();
        return liveItem(ns, key, clock.millis()) != null;
    }

    @Override
    public List<String> list(Namespace ns, GlobPattern pattern, String afterKey, int limit) {
        checkOpen();
        long now = clock.millis();
        List<String> keys = new ArrayList<>(Math.min(limit, 256));
        long stamp = space.visibility.readLock();
        try {
            NamespaceIndex index = space.index(ns);
            if (index != null) {
                for (Map.Entry<String, Item> e : range(index, KeyRange.of(pattern, afterKey)).entrySet()) {
                    if (e.getValue().liveAt(now) && pattern.matches(e.getKey())) {
                        keys.add(e.getKey());
                        if (keys.size() == limit) {
                            break;
                        }
                    }
                }
            }
        } finally {
            space.visibility.unlockRead(stamp);
        }
        return keys;
    }

    @Override
    public long count(Namespace ns, GlobPattern pattern) {
        checkOpen();
        long now = clock.millis();
        long stamp = space.visibility.readLock();
        try {
            NamespaceIndex index = space.index(ns);
            return index == null ? 0 : matching(index, pattern, now).size();
        } finally {
            space.visibility.unlockRead(stamp);
        }
    }

    /** The part of the index that can hold matches: the shared {@link KeyRange} of the pattern and cursor. */
    private static NavigableMap<String, Item> range(NamespaceIndex index, KeyRange range) {
        NavigableMap<String, Item> m = index.items;
        if (range.isEmpty()) {
            return Collections.emptyNavigableMap();
        }
        if (range.lower() != null) {
            m = m.tailMap(range.lower(), range.lowerInclusive());
        }
        return range.upper() == null ? m : m.headMap(range.upper(), false);
    }

    private static List<String> matching(NamespaceIndex index, GlobPattern pattern, long now) {
        List<String> keys = new ArrayList<>();
        for (Map.Entry<String, Item> e : range(index, KeyRange.of(pattern, null)).entrySet()) {
            if (e.getValue().liveAt(now) && pattern.matches(e.getKey())) {
                keys.add(e.getKey());
            }
        }
        return keys;
    }

    /** Reads one key without locking unless a writer was applying changes meanwhile. */
    private Item liveItem(Namespace ns, String key, long now) {
        StampedLock v = space.visibility;
        long stamp = v.tryOptimisticRead();
        Item item = lookup(ns, key);
        if (!v.validate(stamp)) {
            stamp = v.readLock();
            try {
                item = lookup(ns, key);
            } finally {
                v.unlockRead(stamp);
            }
        }
        return item != null && item.liveAt(now) ? item : null;
    }

    private Item lookup(Namespace ns, String key) {
        NamespaceIndex index = space.index(ns);
        return index == null ? null : index.items.get(key);
    }

    private static BackendEntry entry(String key, Item item) {
        // Stored arrays are never changed in place and the runtime copies before plugins see them.
        return new BackendEntry(key, item.value(), item.version(), item.expiresAt());
    }

    // ---------------------------------------------------------------- writes

    /**
     * Runs a write under the write lock, then (sync mode) waits outside it until the journal line it
     * appended is fsynced, so concurrent writers share fsyncs.
     */
    private <T> T write(Supplier<T> body) {
        T result;
        long lsn;
        writeLock.lockForWrite();
        try {
            checkOpen();
            pendingLsn = 0;
            result = body.get();
            lsn = pendingLsn;
        } finally {
            writeLock.unlock();
        }
        if (lsn > 0 && groupSync != null) {
            groupSync.awaitDurable(lsn);
        }
        return result;
    }

    @Override
    public long set(Namespace ns, String key, byte[] value, long ttlMillis) {
        return write(() -> {
            long now = clock.millis();
            if (liveUnderWriteLock(ns, key, now) == null) {
                checkQuota(ns, key, 1, now);
            }
            long version = space.lastVersion + 1;
            commitChanges(ns, List.of(new Change.Put(key, new Item(value, version, Expiry.deadline(now, ttlMillis)))));
            return version;
        });
    }

    @Override
    public long compareAndSet(Namespace ns, String key, long expectedVersion, byte[] value, long ttlMillis) {
        return write(() -> {
            long now = clock.millis();
            Item current = liveUnderWriteLock(ns, key, now);
            long actual = current == null ? KeyValueStore.ABSENT : current.version();
            if (actual != expectedVersion) {
                return KeyValueStore.ABSENT;
            }
            if (current == null) {
                checkQuota(ns, key, 1, now);
            }
            long version = space.lastVersion + 1;
            commitChanges(ns, List.of(new Change.Put(key, new Item(value, version, Expiry.deadline(now, ttlMillis)))));
            return version;
        });
    }

    @Override
    public long increment(Namespace ns, String key, long delta) {
        return write(() -> {
            long now = clock.millis();
            Item current = liveUnderWriteLock(ns, key, now);
            long sum;
            if (current == null) {
                checkQuota(ns, key, 1, now);
                sum = delta;
            } else {
                sum = Counters.add(key, Counters.parse(key, current.value()), delta);
            }
            long expires = current == null ? StorageBackend.NO_EXPIRY : current.expiresAt();
            commitChanges(ns, List.of(new Change.Put(key, new Item(Counters.format(sum), space.lastVersion + 1,
                    expires))));
            return sum;
        });
    }

    @Override
    public boolean delete(Namespace ns, String key) {
        return write(() -> {
            if (liveUnderWriteLock(ns, key, clock.millis()) == null) {
                return false;
            }
            commitChanges(ns, List.of(new Change.Remove(key)));
            return true;
        });
    }

    @Override
    public boolean expire(Namespace ns, String key, long ttlMillis) {
        return write(() -> {
            long now = clock.millis();
            Item current = liveUnderWriteLock(ns, key, now);
            if (current == null) {
                return false;
            }
            Item changed = new Item(current.value(), current.version(), Expiry.deadline(now, ttlMillis));
            commitChanges(ns, List.of(new Change.Put(key, changed, false)));
            return true;
        });
    }

    @Override
    public long deleteMatching(Namespace ns, GlobPattern pattern) {
        return write(() -> {
            NamespaceIndex index = space.index(ns);
            if (index == null) {
                return 0;
            }
            List<String> keys = matching(index, pattern, clock.millis());
            if (keys.isEmpty()) {
                return 0;
            }
            List<Change> removes = new ArrayList<>(keys.size());
            for (String key : keys) {
                removes.add(new Change.Remove(key));
            }
            commitChanges(ns, removes);
            return keys.size();
        });
    }

    @Override
    public void clear(Namespace ns) {
        write(() -> {
            commitChanges(ns, List.of(new Change.Clear()));
            return null;
        });
    }

    @Override
    public CommitResult commit(Namespace ns, Commit commit) {
        return write(() -> {
            long now = clock.millis();
            for (Precondition p : commit.preconditions()) {
                Item current = liveUnderWriteLock(ns, p.key(), now);
                long actual = current == null ? KeyValueStore.ABSENT : current.version();
                if (actual != p.expectedVersion()) {
                    throw new VersionConflictException(p.key(), p.expectedVersion(), actual);
                }
            }
            List<Write> writes = commit.writes();
            long[] outcomes = new long[writes.size()];
            // Simulate the writes in order: each key's live item after the writes so far (null: absent).
            Map<String, Item> after = new LinkedHashMap<>();
            List<Change> changes = new ArrayList<>(writes.size());
            long version = space.lastVersion;
            for (int i = 0; i < outcomes.length; i++) {
                Write w = writes.get(i);
                String key = w.key();
                Item before = after.containsKey(key) ? after.get(key) : liveUnderWriteLock(ns, key, now);
                if (w instanceof Write.Put put) {
                    long expiresAt = put.ttlMillis() != Write.KEEP_EXPIRY ? Expiry.deadline(now, put.ttlMillis())
                            : before == null ? StorageBackend.NO_EXPIRY : before.expiresAt();
                    Item item = new Item(put.value(), ++version, expiresAt);
                    changes.add(new Change.Put(key, item));
                    after.put(key, item);
                    outcomes[i] = version;
                } else if (before == null) {
                    after.put(key, null);
                } else if (w instanceof Write.Remove) {
                    changes.add(new Change.Remove(key));
                    after.put(key, null);
                    outcomes[i] = 1;
                } else {
                    // An expiry change keeps value and version: journaled as a set, reported as nothing.
                    Item item = new Item(before.value(), before.version(),
                            Expiry.deadline(now, ((Write.Expire) w).ttlMillis()));
                    changes.add(new Change.Put(key, item, false));
                    after.put(key, item);
                    outcomes[i] = 1;
                }
            }
            if (settings.maxKeys() > 0) {
                long added = 0;
                String firstNew = null;
                for (Map.Entry<String, Item> e : after.entrySet()) {
                    boolean wasLive = liveUnderWriteLock(ns, e.getKey(), now) != null;
                    boolean isLive = e.getValue() != null;
                    if (isLive && !wasLive) {
                        added++;
                        if (firstNew == null) {
                            firstNew = e.getKey();
                        }
                    } else if (!isLive && wasLive) {
                        added--;
                    }
                }
                if (added > 0) {
                    checkQuota(ns, firstNew, added, now);
                }
            }
            if (!changes.isEmpty()) {
                commitChanges(ns, changes);
            }
            return CommitResult.of(outcomes);
        });
    }

    private Item liveUnderWriteLock(Namespace ns, String key, long now) {
        Item item = lookup(ns, key);
        return item != null && item.liveAt(now) ? item : null;
    }

    /** Refuses {@code added} new live keys beyond maxKeys; counts exactly only when close to the limit. */
    private void checkQuota(Namespace ns, String firstNewKey, long added, long now) {
        long max = settings.maxKeys();
        if (max <= 0) {
            return;
        }
        NamespaceIndex index = space.index(ns);
        if (index == null || index.stored + added <= max) {
            return;
        }
        long live = 0;
        for (Item item : index.items.values()) {
            if (item.liveAt(now)) {
                live++;
            }
        }
        if (live + added > max) {
            throw new QuotaExceededException(ns.path(), firstNewKey, max);
        }
    }

    /**
     * Journal first, then memory, then events: the order that makes a failed append invisible. The caller
     * holds the write lock and has checked everything that can refuse the write. In sync mode the changes
     * are reported, and the caller returns, only once the line is fsynced ({@link GroupSync}); other
     * readers may see them slightly earlier, while the fsync is in flight.
     */
    private void commitChanges(Namespace ns, List<Change> changes) {
        IOException syncFailure = journal.syncFailure();
        if (syncFailure != null) {
            // After a failed fsync the journal's content on disk is unknown: refuse writes until the data is
            // rewritten to new files, and make sure that is being tried.
            scheduleRepair();
            throw JournalWriteException.refused(journal.path(), syncFailure);
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
        if (groupSync == null) {
            events.drainUpTo(lsn); // batched: reported once appended
        }
        if (!compactionQueued && journal.size() >= settings.compactionThreshold()) {
            compactionQueued = true;
            background.execute(this::compact);
        }
    }

    // ---------------------------------------------------------------- background

    /**
     * Reclaims expired keys, reporting EXPIRE; runs on the runtime's scheduler. Expiry needs no journal
     * line: an expired key is dropped again on load.
     */
    private void sweep() {
        try {
            writeLock.lock();
            try {
                if (closed) {
                    return;
                }
                long now = clock.millis();
                List<KeySpace.Expiry> due = new ArrayList<>();
                KeySpace.Expiry e;
                while ((e = space.expiries.peek()) != null && e.expiresAt() <= now) {
                    space.expiries.poll();
                    due.add(e);
                }
                if (due.isEmpty()) {
                    return;
                }
                List<KeySpace.Expiry> reclaimed = new ArrayList<>(due.size());
                long stamp = space.visibility.writeLock();
                try {
                    for (KeySpace.Expiry x : due) {
                        NamespaceIndex index = space.index(x.ns());
                        Item item = index == null ? null : index.items.get(x.key());
                        if (item != null && item.version() == x.version() && !item.liveAt(now)
                                && index.remove(x.key(), item)) {
                            reclaimed.add(x);
                        }
                    }
                } finally {
                    space.visibility.unlockWrite(stamp);
                }
                // Queued behind any change still waiting for its fsync, so per-key order holds.
                long lsn = journal.appendedLsn();
                for (KeySpace.Expiry x : reclaimed) {
                    space.dirty.add(x.ns());
                    events.add(lsn, x.ns(), ChangeType.EXPIRE, x.key(), 0);
                }
                events.drainUpTo(groupSync == null ? lsn : journal.durableLsn());
            } finally {
                writeLock.unlock();
            }
        } catch (RuntimeException e) {
            LOG.warn("Expiry sweep of {} failed; it will be retried", directory, e);
        }
    }

    private void flush() {
        if (journal.syncFailure() != null) {
            // repair() makes the data durable; another fsync of this file would prove nothing.
            scheduleRepair();
            return;
        }
        try {
            journal.force();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not fsync the journal of {}: writes are refused until its data is rewritten to new"
                    + " files", directory, e);
            scheduleRepair();
        }
    }

    /** Asks for a {@link #repair} on the background thread, at most one at a time and one per second. */
    private void scheduleRepair() {
        if (closed || !repairPending.compareAndSet(false, true)) {
            return;
        }
        long wait = Math.max(0, REPAIR_RETRY_NANOS - (System.nanoTime() - lastRepairNanos));
        try {
            background.schedule(this::repair, wait, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            repairPending.set(false); // closing
        }
    }

    private void repair() {
        lastRepairNanos = System.nanoTime();
        boolean sound;
        try {
            sound = !closed && compactor.repair(this::afterRewrite);
        } catch (RuntimeException e) {
            LOG.warn("Repair of {} after a failed fsync failed; retrying", directory, e);
            sound = false;
        } finally {
            repairPending.set(false);
        }
        if (!sound && journal.syncFailure() != null) {
            scheduleRepair();
        }
    }

    /** Under the write lock: everything in memory is durable again, so its changes may be reported. */
    private void afterRewrite() {
        long lsn = journal.appendedLsn();
        events.drainUpTo(lsn);
        if (groupSync != null) {
            groupSync.recovered(lsn);
        }
    }

    private void compact() {
        try {
            compactor.run();
        } finally {
            writeLock.lock();
            try {
                compactionQueued = false;
            } finally {
                writeLock.unlock();
            }
        }
    }

    /** Test hook: compacts now, on the calling thread. */
    void compactNow() {
        writeLock.lock();
        try {
            checkOpen();
            compactionQueued = true;
        } finally {
            writeLock.unlock();
        }
        compact();
    }

    Path directory() {
        return directory;
    }

    // ---------------------------------------------------------------- lifecycle

    private void checkOpen() {
        if (closed) {
            throw new StoreClosedException(name);
        }
    }

    @Override
    public void close() {
        writeLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            writeLock.unlock();
        }
        if (sweeping != null) {
            sweeping.cancel(false); // the scheduler is the runtime's; a pass already running sees closed
        }
        if (groupSync != null) {
            groupSync.close();
        }
        background.shutdown();
        awaitBackground();
        if (journal.syncFailure() != null && !compactor.repair(this::afterRewrite)) {
            LOG.error("Closing {} after a failed fsync whose data could not be rewritten: changes since the last"
                    + " good fsync may be lost, and the journal {} may be found damaged on the next open",
                    directory, journal.path());
        }
        writeLock.lock();
        try {
            journal.close();
        } catch (IOException e) {
            LOG.warn("Could not close the journal {} cleanly: {}", journal.path(), e.toString());
        } finally {
            folderLock.close();
            writeLock.unlock();
        }
    }

    /**
     * Waits for a compaction in flight even when the closing thread is interrupted: closing the journal and
     * releasing the folder under a running compaction would let it write a manifest into a folder that
     * another runtime may already own.
     */
    private void awaitBackground() {
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(AWAIT_BACKGROUND_SECONDS);
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                try {
                    if (background.awaitTermination(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                        return;
                    }
                    LOG.warn("Background work on {} did not finish within {} s; closing anyway", directory,
                            AWAIT_BACKGROUND_SECONDS);
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
