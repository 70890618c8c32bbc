package dev.plinth.core.testing;

import dev.plinth.spi.storage.BackendContext;
import dev.plinth.spi.storage.Capability;
import dev.plinth.spi.storage.OptionSpec;
import dev.plinth.spi.storage.ProviderConfig;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.StorageProvider;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Providers with no-argument constructors, for ServiceLoader discovery tests. */
public final class TestProviders {
    /** Opens per provider id, across class loaders (this class is always loaded by the test loader). */
    public static final Map<String, AtomicInteger> OPENS = new ConcurrentHashMap<>();

    private TestProviders() {}

    public static int opens(String id) {
        return OPENS.getOrDefault(id, new AtomicInteger()).get();
    }

    public static void opened(String id) {
        OPENS.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
    }

    public static class Alpha extends FakeProvider {
        public Alpha() {
            super("alpha");
        }

        @Override
        public StorageBackend open(ProviderConfig config, BackendContext context) {
            opened(id());
            return super.open(config, context);
        }
    }

    public static class AlphaTwin extends Alpha {}

    public static class Beta extends FakeProvider {
        public Beta() {
            super("beta");
        }

        @Override
        public StorageBackend open(ProviderConfig config, BackendContext context) {
            opened(id());
            return super.open(config, context);
        }
    }

    public static class Failing extends FakeProvider {
        public Failing() {
            super("failing");
            failOpen = new IllegalStateException("cannot reach db.example:5432");
        }
    }

    /** Built for SPI version 1, as a jar compiled against the previous release would report. */
    public static class OldSpi extends FakeProvider {
        public OldSpi() {
            super("old");
        }

        @Override
        public int spiVersion() {
            return 1;
        }
    }

    public static class Broken extends FakeProvider {
        public Broken() {
            throw new IllegalStateException("broken on purpose");
        }
    }

    /** Implements the interface directly, so a jar can pair it with its own copy of the API. */
    public static class Standalone implements StorageProvider {
        @Override
        public String id() {
            return "standalone";
        }

        @Override
        public String description() {
            return "standalone";
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of();
        }

        @Override
        public List<OptionSpec<?>> options() {
            return List.of();
        }

        @Override
        public int spiVersion() {
            return SPI_VERSION;
        }

        @Override
        public StorageBackend open(ProviderConfig config, BackendContext context) {
            throw new UnsupportedOperationException();
        }
    }
}
