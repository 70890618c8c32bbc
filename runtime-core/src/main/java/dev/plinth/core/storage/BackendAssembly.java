package dev.plinth.core.storage;

import dev.plinth.api.storage.StorageOpenException;
import dev.plinth.spi.storage.Capability;
import dev.plinth.spi.storage.ChangeFeed;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.CommonOptions;
import dev.plinth.spi.storage.FastPaths;
import dev.plinth.spi.storage.NativeCounters;
import dev.plinth.spi.storage.NativeLocks;
import dev.plinth.spi.storage.NativePatterns;
import dev.plinth.spi.storage.NativeQuotas;
import dev.plinth.spi.storage.OptionSpec;
import dev.plinth.spi.storage.ProviderConfig;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.StorageProvider;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Decides, once per open, how the runtime talks to a backend, from the optional parts it implements:
 * <ul>
 *   <li>with a {@link ChangeFeed} (every shipped provider): {@link NativeBackendOps}, straight calls. Such a
 *       backend must also implement {@link FastPaths}, {@link NativeCounters}, {@link NativePatterns} and
 *       {@link NativeQuotas}, since the runtime could not add events to defaults it does not see
 *       committing;</li>
 *   <li>without one: {@link ManagedBackendOps}, which adds events, quotas and expiry around the parts the
 *       backend has and {@link DefaultParts} for the others.</li>
 * </ul>
 * Without {@link NativeLocks}, locks are the runtime's {@link InProcessLocks}. A provider whose declared
 * capabilities need a part its backend lacks (sharing across processes without a change feed,
 * cross-process locks without native locks) is refused with an error naming the provider and the part.
 */
final class BackendAssembly {
    /** The sweep interval of a provider that declares no {@link CommonOptions#SWEEP_INTERVAL} option. */
    static final Duration DEFAULT_SWEEP = Duration.ofSeconds(1);

    /** What was assembled: the operations, and the periodic work they need (run every {@link #period}). */
    record Assembled(BackendOps ops, Runnable periodic, Duration period) {}

    private BackendAssembly() {}

    static Assembled assemble(
            StorageProvider provider,
            ProviderConfig config,
            StorageBackend backend,
            ChangeListener events,
            InstantSource clock,
            LongSupplier nanoClock) {
        Set<Capability> capabilities = provider.capabilities(config);
        List<String> missing = new ArrayList<>();
        boolean hasFeed = backend instanceof ChangeFeed;
        if (capabilities.contains(Capability.CROSS_PROCESS_LOCKS) && !(backend instanceof NativeLocks)) {
            missing.add("NativeLocks (it declares CROSS_PROCESS_LOCKS)");
        }
        if ((capabilities.contains(Capability.SHARED_ACROSS_PROCESSES)
                        || capabilities.contains(Capability.CROSS_PROCESS_EVENTS))
                && !hasFeed) {
            missing.add("ChangeFeed (it declares sharing or events across processes)");
        }
        if (hasFeed) {
            requirePart(backend, FastPaths.class, missing);
            requirePart(backend, NativeCounters.class, missing);
            requirePart(backend, NativePatterns.class, missing);
            requirePart(backend, NativeQuotas.class, missing);
        }
        if (!missing.isEmpty()) {
            throw new StorageOpenException(
                    provider.id(),
                    "its backend " + backend.getClass().getName()
                            + " does not implement " + String.join(", ", missing) + " (a bug in the provider; see the"
                            + " javadoc of dev.plinth.spi.storage.StorageBackend)",
                    null,
                    false);
        }
        InProcessLocks inProcess = backend instanceof NativeLocks ? null : new InProcessLocks(nanoClock);
        NativeLocks locks = inProcess != null ? inProcess : (NativeLocks) backend;
        Duration period = option(provider, config, CommonOptions.SWEEP_INTERVAL, DEFAULT_SWEEP);
        if (hasFeed) {
            Runnable purge = inProcess == null ? () -> {} : inProcess::purgeLapsed;
            return new Assembled(new NativeBackendOps(backend, locks), purge, period);
        }
        long maxKeys = backend instanceof NativeQuotas ? 0 : option(provider, config, CommonOptions.MAX_KEYS, 0L);
        ManagedBackendOps managed = new ManagedBackendOps(backend, locks, events, clock, maxKeys);
        Runnable periodic = inProcess == null
                ? managed::sweepExpired
                : () -> {
                    managed.sweepExpired();
                    inProcess.purgeLapsed();
                };
        return new Assembled(managed, periodic, period);
    }

    /** @return the configured {@code maxKeys} per scope (enforced here or by the backend), 0 when unlimited */
    static long maxKeys(StorageProvider provider, ProviderConfig config) {
        return option(provider, config, CommonOptions.MAX_KEYS, 0L);
    }

    private static void requirePart(StorageBackend backend, Class<?> part, List<String> missing) {
        if (!part.isInstance(backend)) {
            missing.add(part.getSimpleName() + " (it implements ChangeFeed)");
        }
    }

    private static <T> T option(StorageProvider provider, ProviderConfig config, OptionSpec<T> option, T fallback) {
        boolean declared = provider.options().stream().anyMatch(o -> o.name().equals(option.name()));
        return declared ? config.get(option) : fallback;
    }
}
