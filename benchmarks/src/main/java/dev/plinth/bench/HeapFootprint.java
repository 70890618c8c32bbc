package dev.plinth.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.core.storage.StorageEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prints the heap a started engine costs and the heap each stored key costs, for every provider that keeps
 * data in this JVM's reach, beside a raw {@link ConcurrentHashMap} holding the same keys and values.
 *
 * <p>Method: used heap ({@code totalMemory - freeMemory}) after repeated {@link System#gc()}, before and
 * after, with the measured structure still reachable. Run with {@code -XX:+UseSerialGC} and a fixed heap
 * ({@code run.sh} does) so each {@code System.gc()} is a full compacting collection. Keys are
 * {@code key:000000}-style (10 ASCII characters), values {@value Data#VALUE_BYTES} bytes, each key and
 * value a fresh object, so both sides own their copies. This needs no agent and no extra dependency (JOL
 * would give per-object layouts but not what a whole provider retains); its resolution is a few bytes
 * per key at {@value #KEYS} keys.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.plinth.bench.HeapFootprint [markdown-output-file]}
 */
public final class HeapFootprint {
    static final int KEYS = 100_000;

    private HeapFootprint() {}

    private record Row(String store, String engineHeap, String perKey, String vsRaw) {}

    public static void main(String[] args) throws IOException, InterruptedException {
        List<Row> rows = new ArrayList<>();

        long before = usedHeap();
        ConcurrentHashMap<String, byte[]> raw = new ConcurrentHashMap<>();
        for (int i = 0; i < KEYS; i++) {
            raw.put(Data.key(i), Data.value(i));
        }
        double rawPerKey = (usedHeap() - before) / (double) KEYS;
        if (raw.size() != KEYS) {
            throw new IllegalStateException("raw map lost keys");
        }
        raw = null;
        rows.add(new Row("raw ConcurrentHashMap<String, byte[]>", "-", format(rawPerKey), "1.00x"));
        rows.add(caffeine("Caffeine, `expireAfterWrite` (the memory provider's peer)", true, rawPerKey));
        rows.add(caffeine("Caffeine, no expiry", false, rawPerKey));

        List<String> skipped = new ArrayList<>();
        for (String provider : List.of("memory", "jsonfile", "sqlite", "redis")) {
            if (Plinth.find(provider).isEmpty()) {
                skipped.add(provider + " (not in the jar)");
                continue;
            }
            Path dir = Data.tempDir("heap-" + provider);
            try {
                Map<String, String> options = options(provider, dir);
                if (options == null) {
                    skipped.add(provider + " (no private redis-server: PLINTH_BENCH_REDIS_PORT unset)");
                    continue;
                }
                rows.add(measure(provider, options, rawPerKey));
            } finally {
                Data.deleteTree(dir);
            }
        }

        StringBuilder md = new StringBuilder();
        md.append(String.format(
                Locale.ROOT,
                "Heap measured with `%s`, %s, %,d keys of 10 ASCII characters with " + "%d-byte values.%n%n",
                HeapFootprint.class.getSimpleName(),
                jvm(),
                KEYS,
                Data.VALUE_BYTES));
        md.append("| Store | Heap of a started engine | Heap per stored key | Per key vs raw map |\n");
        md.append("|---|---:|---:|---:|\n");
        for (Row r : rows) {
            md.append("| ")
                    .append(r.store())
                    .append(" | ")
                    .append(r.engineHeap())
                    .append(" | ")
                    .append(r.perKey())
                    .append(" | ")
                    .append(r.vsRaw())
                    .append(" |\n");
        }
        if (!skipped.isEmpty()) {
            md.append("\nNot measured: ").append(String.join(", ", skipped)).append(".\n");
        }
        md.append("\nSQLite and Redis keep their data outside the Java heap (SQLite's page cache is native memory, "
                + "Redis is another process), so their per-key figure is what the JVM side retains, close to zero.\n");
        System.out.print(md);
        if (args.length > 0) {
            Files.writeString(Path.of(args[0]), md, StandardCharsets.UTF_8);
        }
    }

    /** The same keys and values in a Caffeine cache, with or without a write expiry. */
    private static Row caffeine(String label, boolean expiring, double rawPerKey) throws InterruptedException {
        long before = usedHeap();
        Caffeine<Object, Object> builder = Caffeine.newBuilder();
        if (expiring) {
            builder.expireAfterWrite(Duration.ofMinutes(10));
        }
        Cache<String, byte[]> cache = builder.build();
        for (int i = 0; i < KEYS; i++) {
            cache.put(Data.key(i), Data.value(i));
        }
        double perKey = (usedHeap() - before) / (double) KEYS;
        if (cache.estimatedSize() != KEYS) {
            throw new IllegalStateException("Caffeine lost keys");
        }
        return new Row(label, "-", format(perKey), String.format(Locale.ROOT, "%.2fx", perKey / rawPerKey));
    }

    private static Row measure(String provider, Map<String, String> options, double rawPerKey)
            throws InterruptedException {
        long before = usedHeap();
        StorageEngine engine = Plinth.open(provider, options);
        try {
            KeyValueStore store = engine.store(Plinth.NAMESPACE);
            store.clear();
            long started = usedHeap();
            Map<String, byte[]> batch = new LinkedHashMap<>();
            for (int i = 0; i < KEYS; i++) {
                batch.put(Data.key(i), Data.value(i));
                if (batch.size() == 1000) {
                    store.setAll(batch);
                    batch = new LinkedHashMap<>();
                }
            }
            batch = null;
            long loaded = usedHeap();
            if (store.count("*") != KEYS) {
                throw new IllegalStateException(provider + " holds " + store.count("*") + " keys, expected " + KEYS);
            }
            double perKey = (loaded - started) / (double) KEYS;
            store.clear();
            // Below the method's resolution (or negative: setup garbage collected meanwhile) means "nothing".
            boolean none = perKey < 8;
            return new Row(
                    "Plinth `" + provider + "` provider",
                    kib(started - before),
                    none ? "~0 B (measured " + format(perKey) + ")" : format(perKey),
                    none ? "~0x" : String.format(Locale.ROOT, "%.2fx", perKey / rawPerKey));
        } finally {
            engine.close();
        }
    }

    private static Map<String, String> options(String provider, Path dir) {
        switch (provider) {
            case "sqlite":
                return Map.of("path", dir.resolve("plinth.db").toString());
            case "jsonfile":
                return Map.of("directory", dir.toString(), "durability", "batched");
            case "redis":
                try {
                    return Map.of(
                            "uri",
                            "redis://" + RedisServer.HOST + ":" + RedisServer.port(),
                            "keyPrefix",
                            "plinth-heap:");
                } catch (IllegalStateException e) {
                    return null;
                }
            default:
                return Map.of();
        }
    }

    /** Used heap after collections have settled (two consecutive readings within 1 KiB). */
    static long usedHeap() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 20; i++) {
            System.gc();
            Thread.sleep(50);
            long used = rt.totalMemory() - rt.freeMemory();
            if (Math.abs(used - last) < 1024 && i >= 3) {
                return used;
            }
            last = used;
        }
        return last;
    }

    private static String format(double bytes) {
        return String.format(Locale.ROOT, "%,.0f B", bytes);
    }

    private static String kib(long bytes) {
        return String.format(Locale.ROOT, "%,.0f KiB", bytes / 1024.0);
    }

    private static String jvm() {
        return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " ("
                + String.join(
                        " ",
                        java.lang.management.ManagementFactory.getRuntimeMXBean()
                                .getInputArguments())
                + ")";
    }
}
