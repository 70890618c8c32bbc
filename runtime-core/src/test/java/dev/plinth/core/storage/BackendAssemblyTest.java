package dev.plinth.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.StorageOpenException;
import dev.plinth.core.config.StorageSettings;
import dev.plinth.spi.storage.BackendContext;
import dev.plinth.spi.storage.Capability;
import dev.plinth.spi.storage.ChangeFeed;
import dev.plinth.spi.storage.FastPaths;
import dev.plinth.spi.storage.NativeCounters;
import dev.plinth.spi.storage.NativeLocks;
import dev.plinth.spi.storage.NativePatterns;
import dev.plinth.spi.storage.NativeQuotas;
import dev.plinth.spi.storage.OptionSpec;
import dev.plinth.spi.storage.ProviderConfig;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.StorageProvider;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** How the engine decides, at open, between native calls and the runtime's defaults, and what it refuses. */
class BackendAssemblyTest {

    /** A provider whose backend is a proxy implementing exactly {@code parts}. */
    private static StorageProvider provider(Set<Capability> capabilities, AtomicBoolean closed, Class<?>... parts) {
        return new StorageProvider() {
            @Override
            public String id() {
                return "parts";
            }

            @Override
            public String description() {
                return "backend made of chosen parts";
            }

            @Override
            public int spiVersion() {
                return SPI_VERSION;
            }

            @Override
            public Set<Capability> capabilities() {
                return capabilities;
            }

            @Override
            public List<OptionSpec<?>> options() {
                return List.of();
            }

            @Override
            public StorageBackend open(ProviderConfig config, BackendContext context) {
                Class<?>[] all = new Class<?>[parts.length + 1];
                all[0] = StorageBackend.class;
                System.arraycopy(parts, 0, all, 1, parts.length);
                return (StorageBackend) Proxy.newProxyInstance(getClass().getClassLoader(), all, (p, m, a) -> {
                    if (m.getName().equals("close")) {
                        closed.set(true);
                    }
                    return m.getName().equals("toString") ? "PartsBackend" : null;
                });
            }
        };
    }

    private static StorageEngine open(StorageProvider provider) {
        return StorageEngine.open(provider, ProviderConfig.builder(provider).build(), StorageSettings.defaults());
    }

    @Test
    void aChangeFeedWithoutEveryOtherPartIsRefusedNamingWhatIsMissingAndTheBackendIsClosed() {
        AtomicBoolean closed = new AtomicBoolean();
        StorageProvider p = provider(Set.of(), closed, ChangeFeed.class, FastPaths.class);
        assertThatThrownBy(() -> open(p)).isInstanceOfSatisfying(StorageOpenException.class, e -> {
            assertThat(e.provider()).isEqualTo("parts");
            assertThat(e)
                    .hasMessageContaining("NativeCounters")
                    .hasMessageContaining("NativePatterns")
                    .hasMessageContaining("NativeQuotas")
                    .hasMessageNotContaining("FastPaths (");
        });
        assertThat(closed).isTrue();
    }

    @Test
    void sharingAcrossProcessesNeedsAChangeFeedAndCrossProcessLocksNeedNativeLocks() {
        assertThatThrownBy(() -> open(provider(Set.of(Capability.SHARED_ACROSS_PROCESSES), new AtomicBoolean())))
                .isInstanceOf(StorageOpenException.class)
                .hasMessageContaining("ChangeFeed");
        assertThatThrownBy(() -> open(provider(Set.of(Capability.CROSS_PROCESS_LOCKS), new AtomicBoolean())))
                .isInstanceOf(StorageOpenException.class)
                .hasMessageContaining("NativeLocks");
    }

    @Test
    void aFullBackendIsCalledStraightThroughAndARequiredCoreOneIsManaged() {
        try (StorageEngine full = open(provider(
                Set.of(),
                new AtomicBoolean(),
                ChangeFeed.class,
                FastPaths.class,
                NativeCounters.class,
                NativePatterns.class,
                NativeQuotas.class,
                NativeLocks.class))) {
            assertThat(full.liveBackend()).isInstanceOf(CodecBackendOps.class);
            assertThat(((CodecBackendOps) full.liveBackend()).inner()).isInstanceOf(NativeBackendOps.class);
            assertThat(full.liveBackend().locks()).isSameAs(full.backend());
        }
        try (StorageEngine minimal = open(provider(Set.of(), new AtomicBoolean()))) {
            assertThat(((CodecBackendOps) minimal.liveBackend()).inner()).isInstanceOf(ManagedBackendOps.class);
            assertThat(minimal.liveBackend().locks()).isInstanceOf(InProcessLocks.class);
        }
    }
}
