package dev.plinth.provider.sqlite;

import dev.plinth.provider.sqlite.internal.BackendOpener;
import dev.plinth.provider.sqlite.internal.SqliteOptions;
import dev.plinth.spi.storage.BackendContext;
import dev.plinth.spi.storage.Capability;
import dev.plinth.spi.storage.CommonOptions;
import dev.plinth.spi.storage.OptionSpec;
import dev.plinth.spi.storage.ProviderConfig;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.StorageProvider;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code sqlite} storage provider: every namespace in one SQLite database file (WAL by default),
 * durable across restarts and shareable by several processes on one machine, with locks exclusive
 * across those processes and watchers that see other processes' changes (through a change table polled
 * every {@code eventPollInterval}); with {@code exclusive=true} one process owns the file and writes skip
 * the change table. Options are read from {@code plinth.storage.sqlite.<name>}; see {@link #options()} and
 * the provider's documentation ({@code docs/providers/sqlite.md}).
 *
 * <p>Users select it with {@code plinth.storage.provider=sqlite}; the runtime finds it through
 * {@link java.util.ServiceLoader}, so nothing calls this class directly but the runtime and tools. Stateless,
 * immutable and thread-safe: every method but {@link #open} is cheap and touches no file.
 */
public final class SqliteStorageProvider implements StorageProvider {
    private static final Set<Capability> CAPABILITIES = Set.copyOf(EnumSet.of(
            Capability.DURABLE,
            Capability.SHARED_ACROSS_PROCESSES,
            Capability.CROSS_PROCESS_LOCKS,
            Capability.CROSS_PROCESS_EVENTS));
    /** {@code exclusive=true}: nobody else opens the file, so nothing is shared across processes. */
    private static final Set<Capability> EXCLUSIVE_CAPABILITIES = Set.of(Capability.DURABLE);

    private static final List<OptionSpec<?>> OPTIONS = List.of(
            SqliteOptions.PATH,
            SqliteOptions.WAL,
            SqliteOptions.DURABILITY,
            SqliteOptions.BUSY_TIMEOUT,
            SqliteOptions.READ_POOL_SIZE,
            SqliteOptions.EVENT_POLL_INTERVAL,
            SqliteOptions.EXCLUSIVE,
            SqliteOptions.CHECK_AT_OPEN,
            CommonOptions.MAX_KEYS,
            CommonOptions.SWEEP_INTERVAL);

    /** Creates the provider; does no work (the {@link java.util.ServiceLoader} calls it). */
    public SqliteStorageProvider() {}

    /** @return {@code "sqlite"}, the value of {@code plinth.storage.provider} that selects this provider */
    @Override
    public String id() {
        return "sqlite";
    }

    /** @return one line for diagnostics; never {@code null} */
    @Override
    public String description() {
        return "Durable embedded storage in one SQLite database file, shareable by processes on one machine";
    }

    /**
     * @return {@link Capability#DURABLE}, {@link Capability#SHARED_ACROSS_PROCESSES},
     *     {@link Capability#CROSS_PROCESS_LOCKS} and {@link Capability#CROSS_PROCESS_EVENTS}: what the default
     *     {@code exclusive=false} guarantees; an unmodifiable set, never {@code null}
     */
    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    /**
     * @param config validated options of this provider
     * @return {@link Capability#DURABLE} alone with {@code exclusive=true}, otherwise {@link #capabilities()};
     *     unmodifiable, never {@code null}
     * @throws NullPointerException when {@code config} is {@code null}
     */
    @Override
    public Set<Capability> capabilities(ProviderConfig config) {
        Objects.requireNonNull(config, "config");
        return config.get(SqliteOptions.EXCLUSIVE) ? EXCLUSIVE_CAPABILITIES : CAPABILITIES;
    }

    /**
     * @return the options {@code path}, {@code wal}, {@code durability}, {@code busyTimeout},
     *     {@code readPoolSize}, {@code eventPollInterval}, {@code exclusive}, {@code checkAtOpen} and the common
     *     {@code maxKeys} and {@code sweepInterval}, each with its default; an unmodifiable list, never
     *     {@code null}
     */
    @Override
    public List<OptionSpec<?>> options() {
        return OPTIONS;
    }

    /** @return {@link StorageProvider#SPI_VERSION} as this provider was compiled against it */
    @Override
    public int spiVersion() {
        return SPI_VERSION;
    }

    /**
     * Opens the database at {@code path}: creates it (complete or not at all) when it is missing, checks an
     * existing one ({@code checkAtOpen}) and migrates an older schema, all before anything else writes to it.
     * The backend implements every optional part of the SPI; it reports changes to {@code context.changes()}
     * (its own and, on a shared file, other processes'), measures expiry and leases on
     * {@code context.clock()}, and runs its expiry sweeps and change polls on {@code context.scheduler()}.
     *
     * @param config validated options of this provider
     * @param context the runtime's listener, clock and scheduler
     * @return the open backend; thread-safe, closed by the caller
     * @throws NullPointerException when {@code config} or {@code context} is {@code null}
     * @throws dev.plinth.api.storage.StorageOpenException naming the file when it cannot be opened: retryable
     *     when waiting can help (another process holds it, a full disk); a {@link DamagedDatabaseException}
     *     when the file is empty, not a database or damaged. A refused file is left as it was
     * @throws dev.plinth.api.ConfigurationException naming {@code plinth.storage.sqlite.busyTimeout} when it
     *     is longer than SQLite accepts
     */
    @Override
    public StorageBackend open(ProviderConfig config, BackendContext context) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(context, "context");
        return BackendOpener.open(config, context);
    }
}
