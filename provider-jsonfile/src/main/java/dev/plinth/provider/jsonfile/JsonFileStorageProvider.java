package dev.plinth.provider.jsonfile;

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
 * Durable, human-readable storage in one folder owned by one runtime at a time (id {@code jsonfile}).
 *
 * <p>Reads are served from an in-memory ordered index; every committed write is first appended as one
 * JSON line to a journal (fsynced per {@link #DURABILITY}), and the journal is compacted in the background
 * into one JSON snapshot per namespace once it passes {@link #COMPACTION_THRESHOLD} bytes. A second runtime
 * opening the same folder is refused with {@link FolderInUseException}; a damaged file stops the open with
 * {@link CorruptDataFileException} naming file and line, and nothing is rewritten.
 *
 * <p>Stateless and cheap to construct: no file is touched before {@link #open}.
 */
public final class JsonFileStorageProvider implements StorageProvider {
    /** The provider id, also named by every {@link dev.plinth.api.storage.StorageOpenException} it throws. */
    static final String ID = "jsonfile";

    /** The folder holding the data; created when missing. */
    public static final OptionSpec<Path> DIRECTORY = OptionSpec.path("directory", Path.of("data", "jsonfile"),
            "folder holding the journal and snapshots; created when missing; one runtime owns it at a time");

    /** When writes reach the disk. */
    public static final OptionSpec<Durability> DURABILITY = OptionSpec.enumValue("durability", Durability.class,
            Durability.SYNC, "sync: fsync before a write returns; batched: fsync at most every flushInterval"
                    + " (a power loss may lose the writes of the last flushInterval)");

    /** The longest time a batched write waits for its fsync. */
    public static final OptionSpec<Duration> FLUSH_INTERVAL = OptionSpec.duration("flushInterval",
            Duration.ofMillis(200), Duration.ofMillis(1),
            "with durability=batched, how often the journal is fsynced: the window of writes a power loss may lose");

    /** Journal size that starts a background compaction. */
    public static final OptionSpec<Long> COMPACTION_THRESHOLD = OptionSpec.longValue("compactionThreshold",
            16L * 1024 * 1024, 1L, Long.MAX_VALUE,
            "journal size in bytes after which changed namespaces are rewritten as snapshots in the background");

    private static final List<OptionSpec<?>> OPTIONS = List.of(DIRECTORY, DURABILITY, FLUSH_INTERVAL,
            COMPACTION_THRESHOLD, CommonOptions.MAX_KEYS, CommonOptions.SWEEP_INTERVAL);

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Human-readable durable storage: a folder of JSON files (journal and snapshots) owned by one runtime";
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.DURABLE);
    }

    @Override
    public List<OptionSpec<?>> options() {
        return OPTIONS;
    }

    @Override
    public int spiVersion() {
        return SPI_VERSION;
    }

    @Override
    public StorageBackend open(ProviderConfig config, BackendContext context) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(context, "context");
        return JsonFileStorageBackend.open(JsonFileSettings.from(config), context, JournalFile.Opener.DEFAULT);
    }
}
