package dev.plinth.bench;

import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.core.config.CodecSettings;
import dev.plinth.core.config.StorageLayers;
import dev.plinth.core.storage.StorageEngine;
import dev.plinth.spi.storage.FastPaths;
import dev.plinth.spi.storage.Namespace;
import java.nio.charset.StandardCharsets;
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
 * The value codecs on the memory provider (so the codec, not a backend, is what is measured): set and get of
 * a 1 KiB and a 64 KiB JSON value stored as given ({@code codec=none}), LZ4-compressed ({@code lz4}), and
 * compressed then AES-256-GCM encrypted ({@code lz4+aes}). The setup prints the stored size and its ratio to
 * the original.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class CodecBench {
    /** One engine with one codec and one value size. */
    @State(Scope.Benchmark)
    public static class Coded {
        @Param({"1024", "65536"})
        public int bytes;

        @Param({"none", "lz4", "lz4+aes"})
        public String codec;

        StorageEngine engine;
        KeyValueStore store;
        byte[] value;

        @Setup(Level.Trial)
        public void setUp() {
            value = json(bytes);
            CodecSettings settings = switch (codec) {
                case "lz4" -> new CodecSettings(CodecSettings.Compression.LZ4, 512, Map.of(), null);
                case "lz4+aes" ->
                    new CodecSettings(CodecSettings.Compression.LZ4, 512, Map.of("bench", new byte[32]), "bench");
                default -> CodecSettings.none();
            };
            engine = Plinth.open("memory", Map.of(), StorageLayers.none().withCodec(settings));
            store = engine.store(Plinth.NAMESPACE);
            store.set("v", value);
            int stored = ((FastPaths) engine.backend())
                    .get(Namespace.of(Plinth.NAMESPACE), "v")
                    .value()
                    .length;
            System.out.printf(
                    "%n[codec %s, %d-byte JSON] stored %d bytes, ratio %.3f%n",
                    codec, value.length, stored, stored / (double) value.length);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            engine.close();
        }
    }

    /** JSON records like a plugin keeps (user settings), to about {@code bytes} bytes. */
    static byte[] json(int bytes) {
        StringBuilder sb = new StringBuilder("[");
        int i = 0;
        while (sb.length() < bytes - 80) {
            sb.append("{\"id\":")
                    .append(i)
                    .append(",\"name\":\"user-")
                    .append(i * 7919 % 10007)
                    .append("\",\"theme\":\"")
                    .append(i % 3 == 0 ? "dark" : "light")
                    .append("\",\"active\":")
                    .append(i % 2 == 0)
                    .append("},");
            i++;
        }
        return sb.append("{}]").toString().getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public long set(Coded s) {
        return s.store.set("v", s.value);
    }

    @Benchmark
    public Optional<byte[]> get(Coded s) {
        return s.store.get("v");
    }
}
