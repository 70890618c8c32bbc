package dev.plinth.bench;

import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.core.storage.StorageEngine;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How get, set and prefix listing hold up as a scope grows, for the providers that keep everything on one
 * machine. The store is loaded with {@code keys} keys over 100 literal prefixes in batches of
 * {@value #LOAD_BATCH} (so even a million keys load in bounded time, and JSON-file in sync mode pays one
 * fsync per batch, not per key); listing {@code pNN:*} returns 1% of them. The {@code 100}-key size is
 * the reference the JSON-file "set at 1M keys" target compares against.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx6g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ScaleBench {
    static final int LOAD_BATCH = 10_000;

    @State(Scope.Benchmark)
    public static class Loaded {
        @Param({"memory", "sqlite", "jsonfile"})
        public String provider;

        @Param({"100", "1000", "100000", "1000000"})
        public int keys;

        Path dir;
        StorageEngine engine;
        KeyValueStore store;
        String[] allKeys;
        String[] patterns = new String[100];
        byte[] value;

        @Setup(Level.Trial)
        public void setUp() {
            dir = Data.tempDir("scale-" + provider);
            engine = Plinth.open(
                    provider,
                    switch (provider) {
                        case "sqlite" -> Map.of("path", dir.resolve("plinth.db").toString());
                        case "jsonfile" -> Map.of("directory", dir.toString());
                        default -> Map.of();
                    });
            store = engine.store(Plinth.NAMESPACE);
            value = Data.value(0);
            allKeys = new String[keys];
            Map<String, byte[]> batch = new LinkedHashMap<>();
            for (int i = 0; i < keys; i++) {
                allKeys[i] = Data.prefixedKey(i);
                batch.put(allKeys[i], value);
                if (batch.size() == LOAD_BATCH || i == keys - 1) {
                    store.setAll(batch);
                    batch.clear();
                }
            }
            for (int p = 0; p < 100; p++) {
                patterns[p] = Data.prefixPattern(p);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            engine.close();
            Data.deleteTree(dir);
        }
    }

    @Benchmark
    public Optional<byte[]> get(Loaded l, Cursor c) {
        return l.store.get(l.allKeys[c.nextMod(l.keys)]);
    }

    /** Overwrites an existing key, so the size stays at {@code keys}. */
    @Benchmark
    public long set(Loaded l, Cursor c) {
        return l.store.set(l.allKeys[c.nextMod(l.keys)], l.value);
    }

    @Benchmark
    public List<String> listPrefix(Loaded l, Cursor c) {
        return l.store.keys(l.patterns[c.nextMod(100)]);
    }
}
