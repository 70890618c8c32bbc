package dev.plinth.core.testing;

import dev.plinth.spi.storage.BackendContext;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.Capability;
import dev.plinth.spi.storage.ChangeFeed;
import dev.plinth.spi.storage.FastPaths;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.NativeCounters;
import dev.plinth.spi.storage.NativeLocks;
import dev.plinth.spi.storage.NativePatterns;
import dev.plinth.spi.storage.NativeQuotas;
import dev.plinth.spi.storage.OptionSpec;
import dev.plinth.spi.storage.ProviderConfig;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.StorageProvider;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * A storage provider for host tests: its backend records the calls it gets (method and namespace) and
 * answers reads with "absent" (getAll as {@link #getAllAnswer} says); it counts opens and closes and can be told to fail opening.
 */
public class FakeProvider implements StorageProvider {
    /** A plain option. */
    public static final OptionSpec<String> PATH = OptionSpec.string("path", "data", "where data goes");
    /** A bounded integer option with a camelCase name. */
    public static final OptionSpec<Integer> MAX_SIZE = OptionSpec.integer("maxSize", 10, 1, 100, "size limit");
    /** A secret option. */
    public static final OptionSpec<String> PASSWORD = OptionSpec.secret("password", "the password");

    private final String id;
    /** Counts constructor calls of every instance. */
    public static final AtomicInteger CONSTRUCTED = new AtomicInteger();

    public final AtomicInteger opens = new AtomicInteger();
    public final AtomicInteger closes = new AtomicInteger();
    public final List<String> backendCalls = Collections.synchronizedList(new ArrayList<>());
    public volatile ProviderConfig openedWith;
    public volatile RuntimeException failOpen;
    /** When set, open() waits for it first: interruptibly (failing as an unreachable backend would) or not. */
    public volatile CountDownLatch blockOpen;

    public volatile boolean openIgnoresInterrupts;
    public volatile RuntimeException failClose;
    /** How the backend answers getAll (namespace, keys asked); absent keys only when unset. */
    public volatile BiFunction<Namespace, Collection<String>, List<BackendEntry>> getAllAnswer;

    public FakeProvider() {
        this("fake");
    }

    public FakeProvider(String id) {
        this.id = id;
        CONSTRUCTED.incrementAndGet();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String description() {
        return "fake storage for tests (" + id + ")";
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of();
    }

    @Override
    public List<OptionSpec<?>> options() {
        return List.of(PATH, MAX_SIZE, PASSWORD);
    }

    private void awaitOpen(CountDownLatch block) {
        while (true) {
            try {
                block.await();
                return;
            } catch (InterruptedException e) {
                if (!openIgnoresInterrupts) {
                    Thread.currentThread().interrupt();
                    throw new dev.plinth.api.storage.BackendUnavailableException(
                            "fake backend: interrupted while" + " connecting", e);
                }
            }
        }
    }

    @Override
    public int spiVersion() {
        return SPI_VERSION;
    }

    @Override
    @SuppressWarnings("unchecked")
    public StorageBackend open(ProviderConfig config, BackendContext context) {
        opens.incrementAndGet();
        CountDownLatch block = blockOpen;
        if (block != null) {
            awaitOpen(block);
        }
        if (failOpen != null) {
            throw failOpen;
        }
        openedWith = config;
        // Every part, so the runtime calls straight through and each call is recorded as the store made it.
        return (StorageBackend) Proxy.newProxyInstance(
                StorageBackend.class.getClassLoader(),
                new Class<?>[] {
                    StorageBackend.class,
                    FastPaths.class,
                    NativeCounters.class,
                    NativePatterns.class,
                    NativeQuotas.class,
                    NativeLocks.class,
                    ChangeFeed.class
                },
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "close":
                            closes.incrementAndGet();
                            if (failClose != null) {
                                throw failClose;
                            }
                            return null;
                        case "get", "getValue":
                            // getValue is the value-only form of get (a default the proxy does not inherit).
                            backendCalls.add("get " + args[0] + " " + args[1]);
                            return null;
                        case "read":
                            backendCalls.add("read " + args[0] + " " + args[1]);
                            BiFunction<Namespace, Collection<String>, List<BackendEntry>> answer = getAllAnswer;
                            return answer == null
                                    ? List.of()
                                    : answer.apply((Namespace) args[0], (Collection<String>) args[1]);
                        case "setWatched":
                            // A default method of the SPI, which a proxy does not inherit: a no-op, as there.
                            return null;
                        case "toString":
                            return "FakeBackend";
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        default:
                            backendCalls.add(method.getName());
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }
}
