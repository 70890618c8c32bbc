package dev.plinth.bench;

import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.core.config.CacheSettings;
import dev.plinth.core.config.StorageLayers;
import dev.plinth.core.storage.StorageEngine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.redisson.Redisson;
import org.redisson.api.RLocalCachedMap;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.LocalCachedMapOptions;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.config.Config;

/**
 * How fast a write in one JVM stops a near cache in another JVM from serving the old value (issue 18):
 * Plinth's near cache over Redis and over SQLite (one file, two processes), beside Redisson's
 * {@code RLocalCachedMap} on the same private redis-server. Not JMH: the figure is a latency across two
 * processes, so this process writes and a child JVM reads.
 *
 * <p>Each round: the writer reads the clock and writes {@code round-N}; the reader, spinning on a get that
 * its cache answers, prints {@code round-N} and its clock as soon as it sees the new value. Both clocks are
 * {@link System#nanoTime()}, which on Linux is {@code CLOCK_MONOTONIC}, one clock for every process on the
 * machine. The writer then pauses 2 ms so the reader has cached the new value before the next write: every
 * round measures invalidation, not a cold read. The reader also reports what share of its reads its cache
 * answered, so a cache that silently went to the server would be seen.
 *
 * <pre>
 * PLINTH_BENCH_REDIS_PORT=&lt;private port&gt; java -cp benchmarks/target/benchmarks.jar dev.plinth.bench.InvalidationLatency 1000
 * </pre>
 *
 * Arguments: rounds (default 1000), then the sides to run (default all: {@code plinth-redis redisson
 * plinth-sqlite}).
 */
public final class InvalidationLatency {
    static final String KEY = "hot";
    static final List<String> SIDES = List.of("plinth-redis", "redisson", "plinth-sqlite");
    private static final Duration LINE_TIMEOUT = Duration.ofSeconds(10);

    private InvalidationLatency() {}

    /** One side's figures, in microseconds. */
    record Figures(String side, int rounds, double medianMicros, double p99Micros, double maxMicros, String reader) {
        static Figures of(String side, long[] nanos, String reader) {
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            return new Figures(
                    side,
                    sorted.length,
                    percentile(sorted, 50) / 1_000.0,
                    percentile(sorted, 99) / 1_000.0,
                    sorted[sorted.length - 1] / 1_000.0,
                    reader);
        }
    }

    /**
     * @param sorted ascending values, at least one
     * @param percent 1 to 100
     * @return the nearest-rank percentile: the smallest value with at least {@code percent}% at or below it
     */
    static long percentile(long[] sorted, int percent) {
        if (sorted.length == 0 || percent < 1 || percent > 100) {
            throw new IllegalArgumentException(
                    "need values and a percent in 1..100, got " + sorted.length + ", " + percent);
        }
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        List<String> sides = args.length > 1 ? List.of(args).subList(1, args.length) : SIDES;
        List<Figures> all = new ArrayList<>();
        for (String side : sides) {
            all.add(measure(side, rounds));
        }
        System.out.println();
        System.out.println("| side | rounds | median µs | p99 µs | max µs | reader |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | --- |");
        for (Figures f : all) {
            System.out.printf(
                    "| %s | %d | %.0f | %.0f | %.0f | %s |%n",
                    f.side(), f.rounds(), f.medianMicros(), f.p99Micros(), f.maxMicros(), f.reader());
        }
        Optional<Figures> plinth =
                all.stream().filter(f -> f.side().equals("plinth-redis")).findFirst();
        Optional<Figures> redisson =
                all.stream().filter(f -> f.side().equals("redisson")).findFirst();
        if (plinth.isPresent() && redisson.isPresent()) {
            System.out.printf(
                    "plinth-redis / redisson latency: median %.2fx, p99 %.2fx (below 1: Plinth invalidates sooner)%n",
                    plinth.get().medianMicros() / redisson.get().medianMicros(),
                    plinth.get().p99Micros() / redisson.get().p99Micros());
        }
    }

    static Figures measure(String side, int rounds) throws Exception {
        Path dir = Files.createTempDirectory("plinth-invalidation-");
        String where = side.equals("plinth-sqlite") ? dir.resolve("shared.db").toString() : "";
        try (Side writer = Side.open(side, where)) {
            writer.write("round-0".getBytes(StandardCharsets.UTF_8));
            Process reader = new ProcessBuilder(
                            Paths.get(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            Reader.class.getName(),
                            side,
                            where.isEmpty() ? "-" : where)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            try (BufferedReader lines =
                    new BufferedReader(new InputStreamReader(reader.getInputStream(), StandardCharsets.UTF_8))) {
                expectLine(lines, reader, "ready");
                long[] nanos = new long[rounds];
                for (int i = 1; i <= rounds; i++) {
                    String value = "round-" + i;
                    long wrote = System.nanoTime();
                    writer.write(value.getBytes(StandardCharsets.UTF_8));
                    String line = expectLine(lines, reader, value + " ");
                    nanos[i - 1] = Long.parseLong(line.substring(value.length() + 1)) - wrote;
                    TimeUnit.MILLISECONDS.sleep(2);
                }
                reader.getOutputStream().close(); // tells the reader to report and stop
                String report = expectLine(lines, reader, "served ");
                Figures f = Figures.of(side, nanos, report);
                System.out.printf("%s: %s%n", side, f);
                return f;
            } finally {
                if (!reader.waitFor(10, TimeUnit.SECONDS)) {
                    reader.destroyForcibly();
                }
            }
        } finally {
            Data.deleteTree(dir);
        }
    }

    /** @return the next line starting with {@code prefix}; other lines are skipped (log output) */
    private static String expectLine(BufferedReader lines, Process reader, String prefix) throws IOException {
        long deadline = System.nanoTime() + LINE_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            String line = lines.readLine();
            if (line == null) {
                throw new IllegalStateException(
                        "The reader JVM ended (exit " + exitOf(reader) + ") before '" + prefix + "'");
            }
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new IllegalStateException("The reader JVM printed no '" + prefix + "' within " + LINE_TIMEOUT);
    }

    private static String exitOf(Process p) {
        try {
            return p.waitFor(5, TimeUnit.SECONDS) ? Integer.toString(p.exitValue()) : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** The child JVM: spins on a cached get and prints each new value with its clock. */
    public static final class Reader {
        private Reader() {}

        public static void main(String[] args) throws Exception {
            String side = args[0];
            String where = args[1].equals("-") ? "" : args[1];
            PrintStream out = new PrintStream(
                    new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
            try (Side s = Side.open(side, where)) {
                byte[] last = s.read();
                out.println("ready");
                Thread stdin = new Thread(() -> {
                    try {
                        while (System.in.read() >= 0) {
                            // the writer closes stdin when it is done
                        }
                    } catch (IOException e) {
                        // closed either way
                    }
                });
                stdin.setDaemon(true);
                stdin.start();
                long reads = 0;
                while (stdin.isAlive()) {
                    byte[] now = s.read();
                    reads++;
                    if (now != null && !Arrays.equals(now, last)) {
                        long seen = System.nanoTime();
                        last = now;
                        out.println(new String(now, StandardCharsets.UTF_8) + " " + seen);
                    }
                    Thread.onSpinWait();
                }
                out.println("served " + s.servedLocally(reads));
            }
        }
    }

    /** One process's view of the hot key. */
    interface Side extends AutoCloseable {
        void write(byte[] value);

        byte[] read();

        /** @return what share of {@code reads} the local cache answered, as text */
        String servedLocally(long reads);

        @Override
        void close();

        static Side open(String side, String where) {
            return switch (side) {
                case "plinth-redis" -> new PlinthSide(Plinth.openRedis("plinth-inval:", 0, cached()));
                case "plinth-sqlite" ->
                    new PlinthSide(Plinth.open("sqlite", Map.of("path", where, "wal", "true"), cached()));
                case "redisson" -> new RedissonSide();
                default -> throw new IllegalArgumentException("Unknown side '" + side + "'; expected one of " + SIDES);
            };
        }

        private static StorageLayers cached() {
            return StorageLayers.cache(new CacheSettings(true, 1_000, 0, Duration.ofMinutes(10), false));
        }
    }

    private static final class PlinthSide implements Side {
        private final StorageEngine engine;
        private final KeyValueStore store;

        PlinthSide(StorageEngine engine) {
            this.engine = engine;
            this.store = engine.store(Plinth.NAMESPACE);
        }

        @Override
        public void write(byte[] value) {
            store.set(KEY, value);
        }

        @Override
        public byte[] read() {
            return store.get(KEY).orElse(null);
        }

        @Override
        public String servedLocally(long reads) {
            return engine.cacheStats()
                    .map(s -> String.format(
                            "%.4f of %d reads from the near cache",
                            s.hits() / (double) Math.max(1, s.hits() + s.misses()), s.hits() + s.misses()))
                    .orElse("no near cache");
        }

        @Override
        public void close() {
            engine.close();
        }
    }

    private static final class RedissonSide implements Side {
        private static final byte[] RKEY = KEY.getBytes(StandardCharsets.UTF_8);
        private final RedissonClient client;
        private final RLocalCachedMap<byte[], byte[]> map;

        RedissonSide() {
            Config config = new Config();
            config.setCodec(ByteArrayCodec.INSTANCE);
            config.useSingleServer().setAddress("redis://" + RedisServer.HOST + ":" + RedisServer.port());
            client = Redisson.create(config);
            map = client.getLocalCachedMap(LocalCachedMapOptions.<byte[], byte[]>name("redisson-inval:local")
                    .cacheSize(1_000));
        }

        @Override
        public void write(byte[] value) {
            map.fastPut(RKEY, value);
        }

        @Override
        public byte[] read() {
            return map.get(RKEY);
        }

        @Override
        public String servedLocally(long reads) {
            // RLocalCachedMap counts no hits; its local view holding the key shows reads are local.
            return "local cache holds the key: " + !map.getCachedMap().isEmpty() + " after " + reads + " reads";
        }

        @Override
        public void close() {
            client.shutdown();
        }
    }
}
