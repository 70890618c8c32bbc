package dev.plinth.bench;

import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.core.admin.MigrateOptions;
import dev.plinth.core.admin.MigrationReport;
import dev.plinth.core.admin.StorageAdmin;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * A timed benchmark of the operator tools against the raw libraries on the same data, in one run: {@code export}
 * of a SQLite data set beside a raw {@code SELECT} streaming the same rows to a file, and {@code migrate}
 * SQLite to Redis beside a raw pipelined Jedis load of the same keys and values. Not JMH: each measured step
 * runs once over the whole data set (a migration of a million keys is the unit of work), in a JVM started
 * with {@code -Xmx128m}, so finishing at all shows the heap bound; the peak of the heap pools during each
 * step is printed too. Values are {@value Data#VALUE_BYTES} bytes, keys spread over 10 scopes.
 *
 * <p>Usage: {@code java -Xmx128m -cp benchmarks/target/benchmarks.jar dev.plinth.bench.AdminBench [keys [port]]}
 * (default 1,000,000 keys; Redis at 127.0.0.1:6379 or the port given, under a key prefix of its own that is
 * deleted afterwards). The Redis server's own time per call ({@code INFO commandstats}, before and after each
 * Redis step) is printed too: it does not move with the client machine's load, so a private server (nothing
 * else calling it) gives figures that compare across runs.
 */
public final class AdminBench {
    private static final int SCOPES = 10;
    private static int port = 6379;

    private AdminBench() {}

    public static void main(String[] args) throws Exception {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        port = args.length > 1 ? Integer.parseInt(args[1]) : 6379;
        Path dir = Data.tempDir("admin-bench");
        Path db = dir.resolve("source.db");
        String prefix = "plinth-bench-" + UUID.randomUUID() + ":";
        Map<String, String> rows = new LinkedHashMap<>();
        try (StorageAdmin source =
                StorageAdmin.open("sqlite", Map.of("path", db.toString()), AdminBench.class.getClassLoader())) {
            long t = System.nanoTime();
            load(source, keys);
            rows.put("load (setAll, batches of 1000)", fmt(keys, seconds(t)));

            Path rawFile = dir.resolve("raw.out");
            Path exportFile = dir.resolve("export.jsonl");
            // Each side once to warm up (JIT, page cache), then measured, alternating.
            rawSelect(db, rawFile);
            export(source, exportFile);
            resetPeaks();
            t = System.nanoTime();
            long rawRows = rawSelect(db, rawFile);
            double rawSelect = seconds(t);
            long rawPeak = heapPeakMb();

            resetPeaks();
            t = System.nanoTime();
            long exported = export(source, exportFile);
            double export = seconds(t);
            long exportPeak = heapPeakMb();
            rows.put("raw SELECT to a file", fmt(rawRows, rawSelect) + ", heap peak " + rawPeak + " MB");
            rows.put(
                    "plinth export",
                    fmt(exported, export) + ", heap peak " + exportPeak + " MB, " + Files.size(exportFile) / (1 << 20)
                            + " MB file");
            rows.put("export / raw SELECT (rate)", String.format(Locale.ROOT, "%.2fx", rawSelect / export));

            resetPeaks();
            Map<String, long[]> before = commandStats();
            t = System.nanoTime();
            rawJedisLoad(db, prefix + "raw:");
            double rawLoad = seconds(t);
            String rawServer = serverTime(before, commandStats(), keys);
            long rawLoadPeak = heapPeakMb();
            rows.put(
                    "raw pipelined Jedis load (SELECT + SET)",
                    fmt(keys, rawLoad) + ", heap peak " + rawLoadPeak + " MB");
            rows.put("  Redis server time (commandstats)", rawServer);

            try (StorageAdmin target = StorageAdmin.open(
                    "redis",
                    Map.of("uri", "redis://127.0.0.1:" + port, "keyPrefix", prefix + "plinth:"),
                    AdminBench.class.getClassLoader())) {
                resetPeaks();
                before = commandStats();
                t = System.nanoTime();
                MigrationReport report = source.migrateTo(target, MigrateOptions.defaults(), line -> {});
                double migrate = seconds(t);
                String migrateServer = serverTime(before, commandStats(), keys);
                long migratePeak = heapPeakMb();
                rows.put(
                        "plinth migrate sqlite -> redis (copy + verify)",
                        fmt(report.copied(), migrate) + ", heap peak " + migratePeak + " MB, "
                                + (report.ok() ? "verified" : "NOT VERIFIED"));
                double copy = migrate - report.verifyMillis() / 1000.0;
                rows.put("  of which copy", fmt(report.copied(), copy));
                rows.put(
                        "    of which waiting for the source's pages",
                        String.format(Locale.ROOT, "%.2f s", report.sourceWaitMillis() / 1000.0));
                rows.put(
                        "  of which verify (both sides read again)",
                        String.format(Locale.ROOT, "%.2f s", report.verifyMillis() / 1000.0));
                rows.put("  Redis server time (commandstats, copy + verify)", migrateServer);
                rows.put(
                        "migrate / raw Jedis load (rate, copy + verify)",
                        String.format(Locale.ROOT, "%.2fx", rawLoad / migrate));
                rows.put("migrate copy / raw Jedis load (rate)", String.format(Locale.ROOT, "%.2fx", rawLoad / copy));
            }
        } finally {
            cleanRedis(prefix);
            Data.deleteTree(dir);
        }
        System.out.println("| step (" + keys + " keys, " + Data.VALUE_BYTES + "-byte values, -Xmx"
                + Runtime.getRuntime().maxMemory() / (1 << 20) + "m) | result |");
        System.out.println("|---|---|");
        rows.forEach((k, v) -> System.out.println("| " + k + " | " + v + " |"));
    }

    private static long export(StorageAdmin source, Path file) throws java.io.IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            return source.exportTo(out, List.of()).entries();
        }
    }

    private static void load(StorageAdmin admin, int keys) {
        Map<String, byte[]> batch = new LinkedHashMap<>();
        for (int s = 0; s < SCOPES; s++) {
            KeyValueStore store = admin.store("scope" + s);
            for (int i = s; i < keys; i += SCOPES) {
                batch.put(Data.key(i), Data.value(i));
                if (batch.size() == 1000) {
                    store.setAll(batch);
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) {
                store.setAll(batch);
                batch.clear();
            }
        }
    }

    /** The raw peer of export: one SELECT of the same rows, each written as key, value and newline. */
    private static long rawSelect(Path db, Path file) throws Exception {
        long n = 0;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                PreparedStatement ps = c.prepareStatement(
                        "SELECT namespace, key, value, version, expires_at FROM plinth_kv ORDER BY namespace, key");
                ResultSet rs = ps.executeQuery();
                OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            while (rs.next()) {
                out.write(rs.getString(1).getBytes(StandardCharsets.UTF_8));
                out.write(' ');
                out.write(rs.getString(2).getBytes(StandardCharsets.UTF_8));
                out.write(' ');
                out.write(rs.getBytes(3));
                out.write(' ');
                out.write(Long.toString(rs.getLong(4)).getBytes(StandardCharsets.US_ASCII));
                out.write(' ');
                out.write(Long.toString(rs.getLong(5)).getBytes(StandardCharsets.US_ASCII));
                out.write('\n');
                n++;
            }
        }
        return n;
    }

    /** The raw peer of migrate: the same rows read with one SELECT and SET into Redis, pipelined 1000 at a time. */
    private static void rawJedisLoad(Path db, String prefix) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                PreparedStatement ps =
                        c.prepareStatement("SELECT namespace, key, value FROM plinth_kv ORDER BY namespace, key");
                ResultSet rs = ps.executeQuery();
                Jedis j = new Jedis("127.0.0.1", port)) {
            Pipeline p = j.pipelined();
            int pending = 0;
            while (rs.next()) {
                p.set(
                        (prefix + rs.getString(1) + ":" + rs.getString(2)).getBytes(StandardCharsets.UTF_8),
                        rs.getBytes(3));
                if (++pending == 1000) {
                    p.sync();
                    pending = 0;
                }
            }
            p.sync();
        }
    }

    /** @return per command: calls and total server microseconds, from {@code INFO commandstats} */
    private static Map<String, long[]> commandStats() {
        Map<String, long[]> out = new LinkedHashMap<>();
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            for (String line : j.info("commandstats").lines().toList()) {
                // cmdstat_set:calls=1000,usec=1234,usec_per_call=1.23,...
                if (!line.startsWith("cmdstat_")) {
                    continue;
                }
                String name = line.substring(8, line.indexOf(':'));
                long calls = 0;
                long usec = 0;
                for (String field : java.util.regex.Pattern.compile(",")
                        .splitAsStream(line.substring(line.indexOf(':') + 1))
                        .toList()) {
                    if (field.startsWith("calls=")) {
                        calls = Long.parseLong(field.substring(6));
                    } else if (field.startsWith("usec=")) {
                        usec = Long.parseLong(field.substring(5));
                    }
                }
                out.put(name, new long[] {calls, usec});
            }
        }
        return out;
    }

    /** @return the server time between two {@link #commandStats} snapshots: total, per key, top commands */
    private static String serverTime(Map<String, long[]> before, Map<String, long[]> after, long keys) {
        long total = 0;
        StringBuilder top = new StringBuilder();
        for (Map.Entry<String, long[]> e : after.entrySet()) {
            long[] b = before.getOrDefault(e.getKey(), new long[2]);
            long calls = e.getValue()[0] - b[0];
            long usec = e.getValue()[1] - b[1];
            total += usec;
            if (usec > 50_000) {
                top.append(String.format(
                        Locale.ROOT,
                        "; %s %,d calls %.1f us/call",
                        e.getKey(),
                        calls,
                        calls == 0 ? 0.0 : (double) usec / calls));
            }
        }
        return String.format(Locale.ROOT, "%.2f s, %.2f us per key%s", total / 1e6, (double) total / keys, top);
    }

    private static void cleanRedis(String prefix) {
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page =
                        j.scan(cursor, new ScanParams().match(prefix + "*").count(5000));
                if (!page.getResult().isEmpty()) {
                    j.unlink(page.getResult().toArray(new String[0]));
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
    }

    private static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    /** The sum of the heap pools' peaks since {@link #resetPeaks}: an upper bound of the heap in use at once. */
    private static long heapPeakMb() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum / (1 << 20);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static String fmt(long n, double s) {
        return String.format(Locale.ROOT, "%,d keys in %.2f s (%,.0f keys/s)", n, s, n / s);
    }
}
