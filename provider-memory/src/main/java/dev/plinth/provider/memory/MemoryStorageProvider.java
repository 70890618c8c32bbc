package dev.plinth.provider.memory;

import dev.plinth.spi.storage.BackendContext;
import dev.plinth.spi.storage.Capability;
import dev.plinth.spi.storage.CommonOptions;
import dev.plinth.spi.storage.OptionSpec;
import dev.plinth.spi.storage.ProviderConfig;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.StorageProvider;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code memory} provider: keeps every namespace in this process's heap. Fastest of the shipped
 * providers; data is lost when the process ends and is never shared with another process, so it declares
 * no {@link Capability}. Suited to tests, caches and single-process tools.
 *
 * <p>Options ({@code plinth.storage.memory.<name>}): {@code maxKeys} (most live keys per namespace, 0 =
 * unlimited) and {@code sweepInterval} (how often expired keys are reclaimed and reported as
 * {@code EXPIRE}). Stateless and cheap: nothing is allocated and no thread is started until
 * {@link #open}.
 */
public final class MemoryStorageProvider implements StorageProvider {

    /** The id users select with {@code plinth.storage.provider=memory}. */
    public static final String ID = "memory";

    /** Creates the provider; does no work (see the class documentation). */
    public MemoryStorageProvider() {}

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "In-process heap storage: fastest, not durable, not shared between processes";
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of();
    }

    @Override
    public List<OptionSpec<?>> options() {
        return List.of(CommonOptions.MAX_KEYS, CommonOptions.SWEEP_INTERVAL);
    }

    @Override
    public int spiVersion() {
        return SPI_VERSION;
    }

    /**
     * Opens an empty store whose sweeper runs on the runtime's scheduler.
     *
     * @param config the validated options
     * @param context where committed changes are reported, the clock and the scheduler
     * @return a new, empty backend
     */
    @Override
    public StorageBackend open(ProviderConfig config, BackendContext context) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(context, "context");
        return new MemoryStorageBackend(
                config.get(CommonOptions.MAX_KEYS), config.get(CommonOptions.SWEEP_INTERVAL), context);
    }
}
