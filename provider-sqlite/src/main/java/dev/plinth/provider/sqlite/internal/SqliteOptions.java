package dev.plinth.provider.sqlite.internal;

import dev.plinth.spi.storage.OptionSpec;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The options of the {@code sqlite} provider, configured as {@code plinth.storage.sqlite.<name>}. The
 * provider also accepts {@link dev.plinth.spi.storage.CommonOptions#MAX_KEYS} and
 * {@link dev.plinth.spi.storage.CommonOptions#SWEEP_INTERVAL}.
 */
public final class SqliteOptions {
    private SqliteOptions() {}

    /** What an acknowledged write survives. */
    public enum Durability {
        /**
         * Survives a crash of the process (kill -9), not necessarily a power loss or OS crash:
         * {@code synchronous=NORMAL}, which with WAL syncs only at checkpoints.
         */
        NORMAL,
        /** Survives a power loss too: {@code synchronous=FULL}, an fsync on every commit. */
        FULL
    }

    /** What SQLite checks of an existing database file when a backend opens it, before anything is written. */
    public enum CheckAtOpen {
        /**
         * {@code PRAGMA quick_check}: reads every page and checks every b-tree's structure, page accounting and
         * record format. Its cost grows with the file (see the provider's documentation for measured figures).
         */
        QUICK,
        /**
         * {@code PRAGMA integrity_check}: {@link #QUICK} and also that every index matches its table; slower.
         */
        FULL,
        /**
         * Only what every open reads (the header and the schema): damage elsewhere in the file surfaces as an
         * error at the first read that meets it.
         */
        OFF
    }

    /** The database file; its parent folders are created. */
    public static final OptionSpec<Path> PATH = OptionSpec.path(
            "path", Path.of("data", "plinth.db"), "the SQLite database file; parent folders are created when missing");

    /** Write-ahead logging: readers never wait for the writer. */
    public static final OptionSpec<Boolean> WAL = OptionSpec.bool(
            "wal", true, "use write-ahead logging (journal_mode=WAL) so readers never wait for a writer");

    /** How durable an acknowledged write is. */
    public static final OptionSpec<Durability> DURABILITY = OptionSpec.enumValue(
            "durability",
            Durability.class,
            Durability.NORMAL,
            "normal: acknowledged writes survive a process crash (synchronous=NORMAL); "
                    + "full: they also survive a power loss (synchronous=FULL, slower)");

    /** How long to wait for another connection or process holding the database lock. */
    public static final OptionSpec<Duration> BUSY_TIMEOUT = OptionSpec.duration(
            "busyTimeout",
            Duration.ofSeconds(5),
            Duration.ZERO,
            "how long an operation waits for a lock held by another process before failing with "
                    + "BackendUnavailableException");

    /** How often other processes' changes are looked for, to report them to watchers. */
    public static final OptionSpec<Duration> EVENT_POLL_INTERVAL = OptionSpec.duration(
            "eventPollInterval",
            Duration.ofMillis(50),
            Duration.ofMillis(5),
            "how often changes committed by other processes are looked for and reported to watchers "
                    + "(a cheap PRAGMA data_version check when nothing changed)");

    /**
     * Whether this backend is the only user of the database file. {@code false} (the default): several
     * processes may share it, with cross-process locks and events, at the cost of a change-log row per
     * write. {@code true}: another process (or another backend in this JVM) opening the file fails, and
     * writes skip the change log; the provider then declares no cross-process capability.
     */
    public static final OptionSpec<Boolean> EXCLUSIVE = OptionSpec.bool(
            "exclusive",
            false,
            "true: only this process uses the database file (others are refused with an error naming it); "
                    + "writes skip the cross-process change log and are faster. false: processes may share it");

    /** What is checked of an existing database at open; a damaged file fails the open. */
    public static final OptionSpec<CheckAtOpen> CHECK_AT_OPEN = OptionSpec.enumValue(
            "checkAtOpen",
            CheckAtOpen.class,
            CheckAtOpen.QUICK,
            "what SQLite checks of an existing database at open: quick (PRAGMA quick_check), full "
                    + "(PRAGMA integrity_check, slower) or off; a damaged file fails the open, unchanged");

    /** Read connections kept open so reads run in parallel with each other and with the writer. */
    public static final OptionSpec<Integer> READ_POOL_SIZE = OptionSpec.integer(
            "readPoolSize",
            4,
            1,
            64,
            "read connections kept open; reads beyond this many at once wait for a free connection");
}
