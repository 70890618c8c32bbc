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
 * the change table. Cheap and stateless; only {@link #open} touches the file system.
 */
public final class SqliteStorageProvider implements StorageProvider {
    private static final Set<Capability> CAPABILITIES = Set.copyOf(EnumSet.of(
            Capability.DURABLE, Capability.SHARED_ACROSS_PROCESSES, Capability.CROSS_PROCESS_LOCKS,
            Capability.CROSS_PROCESS_EVENTS));
    /** {@code exclusive=true}: nobody else opens the file, so nothing is shared across processes. */
    private static final Set<Capability> EXCLUSIVE_CAPABILITIES = Set.of(Capability.DURABLE);
    private static final List<OptionSpec<?>> OPTIONS = List.of(
            SqliteOptions.PATH, SqliteOptions.WAL, SqliteOptions.DURABILITY, SqliteOptions.BUSY_TIMEOUT,
            SqliteOptions.READ_POOL_SIZE, SqliteOptions.EVENT_POLL_INTERVAL, SqliteOptions.EXCLUSIVE,
            SqliteOptions.CHECK_AT_OPEN, CommonOptions.MAX_KEYS,
            CommonOptions.SWEEP_INTERVAL);

    /** Creates the provider; does no work. */
    public SqliteStorageProvider() {
    }

    @Override
    public String id() {
        return "sqlite";
    }

    @Override
    public String description() {
        return "Durable embedded storage in one SQLite database file, shareable by processes on one machine";
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    /**
     * @return {@link Capability#DURABLE} alone with {@code exclusive=true}, otherwise {@link #capabilities()}
     */
    @Override
    public Set<Capability> capabilities(ProviderConfig config) {
        Objects.requireNonNull(config, "config");
        return config.get(SqliteOptions.EXCLUSIVE) ? EXCLUSIVE_CAPABILITIES : CAPABILITIES;
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
        return BackendOpener.open(config, context);
    }
}
