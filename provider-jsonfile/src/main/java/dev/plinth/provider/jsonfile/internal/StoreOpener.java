package dev.plinth.provider.jsonfile.internal;

import dev.plinth.spi.storage.BackendContext;
import dev.plinth.spi.storage.ProviderConfig;
import dev.plinth.spi.storage.StorageBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a folder: takes ownership of it, recovers its data, settles its files, then assembles the store,
 * choosing once what the options decide (when writes are durable, whether a quota is counted), and starts
 * its background work. Nothing is written or deleted until the whole data set has loaded.
 *
 * <p>The one public entry of this package, which the module does not export: only
 * {@link dev.plinth.provider.jsonfile.JsonFileStorageProvider} calls it.
 */
public final class StoreOpener {
    private static final Logger LOG = LoggerFactory.getLogger(StoreOpener.class);

    private StoreOpener() {}

    /**
     * Opens the store the provider's options describe.
     *
     * @param config validated options of {@link dev.plinth.provider.jsonfile.JsonFileStorageProvider}
     * @param context the runtime's context
     * @return the open store
     * @throws dev.plinth.api.storage.StorageOpenException naming the folder or file
     */
    public static StorageBackend open(ProviderConfig config, BackendContext context) {
        return open(JsonFileSettings.from(config), context, JournalFile.Opener.DEFAULT);
    }

    /**
     * @param journalFiles opens journal files: the real file system but in tests that make fsync fail
     * @return the open store
     * @throws dev.plinth.api.storage.StorageOpenException naming the folder or file (see
     *     {@link dev.plinth.provider.jsonfile.CorruptDataFileException},
     *     {@link dev.plinth.provider.jsonfile.FolderInUseException})
     */
    static JsonFileStorageBackend open(
            JsonFileSettings settings, BackendContext context, JournalFile.Opener journalFiles) {
        return open(settings, context, journalFiles, FolderSync.DEFAULT);
    }

    /**
     * @param journalFiles opens journal files: the real file system but in tests that make fsync fail
     * @param folderSync fsyncs the folder after a rename: the real one but in tests that make it fail
     * @return the open store
     */
    static JsonFileStorageBackend open(
            JsonFileSettings settings, BackendContext context, JournalFile.Opener journalFiles, FolderSync folderSync) {
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
            AtomicFiles files = new AtomicFiles(dir, folderSync);
            Recovery.Result recovered = new Recovery(dir, codec, context.clock().millis()).run();
            // The data set is known complete from here on: files may be written and deleted.
            Journal journal = recovered.rewrite()
                    ? newJournal(files, recovered, journalFiles, codec)
                    : continueJournal(files, recovered, journalFiles, codec);
            Lifecycle lifecycle = new Lifecycle("JSON-file store " + dir);
            WriteLock writeLock = new WriteLock();
            Compactor compactor = new Compactor(
                    files,
                    codec,
                    recovered.space(),
                    journal,
                    writeLock,
                    recovered.manifest(),
                    lifecycle::isClosed,
                    context.clock());
            if (recovered.rewrite()) {
                rewrite(dir, compactor, journal);
            }
            compactor.deleteObsolete();
            JsonFileStorageBackend backend = assemble(
                    settings, context, dir, codec, recovered.space(), journal, compactor, writeLock, lifecycle, lock);
            LOG.debug(
                    "Opened {} ({} namespaces, journal {})",
                    dir,
                    recovered.space().indexes.size(),
                    journal.path().getFileName());
            return backend;
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private static JsonFileStorageBackend assemble(
            JsonFileSettings settings,
            BackendContext context,
            Path dir,
            RecordCodec codec,
            KeySpace space,
            Journal journal,
            Compactor compactor,
            WriteLock writeLock,
            Lifecycle lifecycle,
            FolderLock lock) {
        EventQueue events = new EventQueue(context.changes());
        WriteDurability durability = switch (settings.durability()) {
            case SYNC -> new GroupSync(journal, events, "plinth-jsonfile-sync-" + dir.getFileName());
            case BATCHED -> new BatchedFlush(journal, events, settings.flushInterval());
        };
        Maintenance maintenance = new Maintenance(
                dir, compactor, journal, writeLock, lifecycle, events, durability, settings.compactionThreshold());
        Writer writer = new Writer(space, journal, codec, events, durability, maintenance, writeLock, lifecycle);
        Mutations mutations = new Mutations(space, writer, Quota.of(settings.maxKeys(), space), context.clock());
        ExpirySweeper sweeper =
                new ExpirySweeper(dir, space, journal, events, durability, writeLock, lifecycle, context.clock());
        long sweep = settings.sweepInterval().toMillis();
        ScheduledFuture<?> sweeping =
                context.scheduler().scheduleWithFixedDelay(sweeper, sweep, sweep, TimeUnit.MILLISECONDS);
        durability.start(maintenance);
        if (compactor.unsynced()) {
            maintenance.requestRepair(); // the open's rewrite left its manifest with a failed folder fsync
        }
        return new JsonFileStorageBackend(
                dir,
                lifecycle,
                space,
                mutations,
                context.clock(),
                writeLock,
                journal,
                durability,
                maintenance,
                sweeping,
                lock);
    }

    /**
     * A new folder, one of the previous format or one that lost its manifest: its data goes to a new
     * journal, snapshots and manifest in the current format ({@link Compactor#rewriteAll}), the journal first.
     */
    private static Journal newJournal(
            AtomicFiles files, Recovery.Result recovered, JournalFile.Opener journalFiles, RecordCodec codec) {
        Path dir = files.directory();
        long last = recovered.journalSequence();
        long seq = Files.exists(dir.resolve(FileNames.journal(last))) ? last + 1 : last;
        try {
            return Journal.create(files, seq, journalFiles, codec);
        } catch (IOException e) {
            throw OpenFailure.io("cannot create the journal " + dir.resolve(FileNames.journal(seq)), e);
        }
    }

    /** Goes on appending to the newest journal after its complete lines (a torn one is already cut off). */
    private static Journal continueJournal(
            AtomicFiles files, Recovery.Result recovered, JournalFile.Opener journalFiles, RecordCodec codec) {
        Path dir = files.directory();
        Journal journal;
        try {
            journal = Journal.open(
                    files, recovered.journalSequence(), recovered.journalValidLength(), journalFiles, codec);
        } catch (IOException e) {
            throw OpenFailure.io(
                    "cannot open the journal " + dir.resolve(FileNames.journal(recovered.journalSequence()))
                            + " for writing",
                    e);
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

    /** Writes the data out in the current format; on failure removes the new journal and keeps the rest. */
    private static void rewrite(Path dir, Compactor compactor, Journal journal) {
        try {
            compactor.rewriteAll();
        } catch (IOException e) {
            closeQuietly(journal);
            AtomicFiles.deleteQuietly(journal.path());
            throw OpenFailure.io(
                    "cannot write the data of " + dir + " in format " + Manifest.FORMAT
                            + " (the files as found are kept)",
                    e);
        } catch (RuntimeException e) {
            closeQuietly(journal);
            AtomicFiles.deleteQuietly(journal.path());
            throw e;
        }
    }

    private static void closeQuietly(Journal journal) {
        try {
            journal.close();
        } catch (IOException e) {
            LOG.debug("Could not close {}: {}", journal.path(), e.toString());
        }
    }
}
