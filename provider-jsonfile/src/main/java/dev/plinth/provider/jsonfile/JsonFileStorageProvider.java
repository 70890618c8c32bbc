package dev.plinth.provider.jsonfile;

import dev.plinth.provider.jsonfile.internal.StoreOpener;
import dev.plinth.spi.storage.BackendContext;
import dev.plinth.spi.storage.Capability;
import dev.plinth.spi.storage.CommonOptions;
import dev.plinth.spi.storage.OptionSpec;
import dev.plinth.spi.storage.ProviderConfig;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.StorageProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Durable, human-readable storage in one folder owned by one runtime at a time (id {@value #ID}): select it
 * with {@code plinth.storage.provider=jsonfile}. The runtime finds it with {@link java.util.ServiceLoader};
 * plugins never call it, and embedders only name its options.
 *
 * <p>Reads are served from an in-memory ordered index; every committed write is first appended as one
 * JSON line to a journal (fsynced per {@link #DURABILITY}), and the journal is compacted in the background
 * into one JSON snapshot per namespace once it passes {@link #COMPACTION_THRESHOLD} bytes. A second runtime
 * opening the same folder is refused with {@link FolderInUseException}; a damaged file stops the open with
 * {@link CorruptDataFileException} naming file and line, and nothing is rewritten. A write the disk refuses
 * throws {@link JournalWriteException}. It declares {@link Capability#DURABLE} only: the data is never
 * shared with another process, and locks are the runtime's in-process ones.
 *
 * <p>Thread-safe and stateless; constructing it and every method but {@link #open} are cheap and touch no
 * file.
 */
public final class JsonFileStorageProvider implements StorageProvider {
    /** The provider id, also named by every {@link dev.plinth.api.storage.StorageOpenException} it throws. */
    public static final String ID = "jsonfile";

    /** When an acknowledged write reaches the disk: the values of {@link #DURABILITY}. */
    public enum Durability {
        /** Every write is fsynced before it returns: an acknowledged write survives a crash or power loss. */
        SYNC,
        /**
         * Writes reach the operating system before they return and are fsynced at most every
         * {@link #FLUSH_INTERVAL}: a process crash loses nothing, but a power loss or kernel crash may lose the
         * writes of the last {@code flushInterval}.
         */
        BATCHED
    }

    /** The folder holding the data; created when missing. Default {@code data/jsonfile}. */
    public static final OptionSpec<Path> DIRECTORY = OptionSpec.path(
            "directory",
            Path.of("data", "jsonfile"),
            "folder holding the journal and snapshots; created when missing; one runtime owns it at a time");

    /** When writes reach the disk. Default {@link Durability#SYNC}. */
    public static final OptionSpec<Durability> DURABILITY = OptionSpec.enumValue(
            "durability",
            Durability.class,
            Durability.SYNC,
            "sync: fsync before a write returns; batched: fsync at most every flushInterval"
                    + " (a power loss may lose the writes of the last flushInterval)");

    /** With {@link Durability#BATCHED}, the longest time a write waits for its fsync. Default 200 ms. */
    public static final OptionSpec<Duration> FLUSH_INTERVAL = OptionSpec.duration(
            "flushInterval",
            Duration.ofMillis(200),
            Duration.ofMillis(1),
            "with durability=batched, how often the journal is fsynced: the window of writes a power loss may lose");

    /** Journal size in bytes that starts a background compaction. Default 16 MiB. */
    public static final OptionSpec<Long> COMPACTION_THRESHOLD = OptionSpec.longValue(
            "compactionThreshold",
            16L * 1024 * 1024,
            1L,
            Long.MAX_VALUE,
            "journal size in bytes after which changed namespaces are rewritten as snapshots in the background");

    private static final List<OptionSpec<?>> OPTIONS = List.of(
            DIRECTORY,
            DURABILITY,
            FLUSH_INTERVAL,
            COMPACTION_THRESHOLD,
            CommonOptions.MAX_KEYS,
            CommonOptions.SWEEP_INTERVAL);

    /** Creates the provider; does no work (see the class documentation). */
    public JsonFileStorageProvider() {}

    /** @return {@value #ID} */
    @Override
    public String id() {
        return ID;
    }

    /** @return one line for diagnostics; never {@code null} */
    @Override
    public String description() {
        return "Human-readable durable storage: a folder of JSON files (journal and snapshots) owned by one runtime";
    }

    /** @return {@link StorageProvider#SPI_VERSION}, the version of the SPI this provider was built against */
    @Override
    public int spiVersion() {
        return SPI_VERSION;
    }

    /** @return {@link Capability#DURABLE}, whatever the options; an unmodifiable set */
    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.DURABLE);
    }

    /**
     * @return {@link #DIRECTORY}, {@link #DURABILITY}, {@link #FLUSH_INTERVAL}, {@link #COMPACTION_THRESHOLD},
     *     {@link CommonOptions#MAX_KEYS} and {@link CommonOptions#SWEEP_INTERVAL}, in that order; an
     *     unmodifiable list
     */
    @Override
    public List<OptionSpec<?>> options() {
        return OPTIONS;
    }

    /**
     * Takes ownership of the configured folder (creating it when missing), loads its data into memory and
     * starts the store's background work: the expiry sweep on the context's scheduler, compaction and the
     * batched fsync on a thread of its own. Expiry is measured on the context's clock.
     *
     * @param config validated option values of this provider; not {@code null}
     * @param context where the store reports its changes, its clock and scheduler; not {@code null}
     * @return the open store: it implements every optional part of the SPI but
     *     {@link dev.plinth.spi.storage.NativeLocks}, and must be closed to release the folder
     * @throws NullPointerException when {@code config} or {@code context} is {@code null}
     * @throws FolderInUseException when another runtime owns the folder (retryable)
     * @throws CorruptDataFileException when a file the data needs is damaged or missing; nothing was changed
     * @throws dev.plinth.api.storage.StorageOpenException when the file system refuses (naming the folder or
     *     file; retryable unless the configured folder cannot be one)
     */
    @Override
    public StorageBackend open(ProviderConfig config, BackendContext context) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(context, "context");
        return StoreOpener.open(config, context);
    }
}
