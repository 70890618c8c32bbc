package dev.plinth.bench.report;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Formats JMH JSON results into {@code docs/benchmarks.md}: one table per provider with Plinth's ops/s,
 * the raw library's ops/s, their ratio and whether the target is met; the scale table; the heap table;
 * the machine, JVM, date and exact command; and the method text.
 *
 * <p>Usage: {@code BenchReport --mode quick|full --command CMD --jmh "JMH OPTIONS" --elapsed SECONDS --heap heap.md
 * --out docs/benchmarks.md results.json...}
 *
 * <p>About 490 lines of formatting: one report, its tables and targets, in one place.
 */
public final class BenchReport {
    private static final int[] ONE_FOUR = {1, 4};
    private static final int[] REDIS_THREADS = {1, 4, 16};
    private static final String[] SCALE_SIZES = {"100", "1000", "100000", "1000000"};

    private final Results results;
    private int met;
    private int missed;
    private int notRun;

    private BenchReport(Results results) {
        this.results = results;
    }

    /** A Plinth benchmark and its raw baseline; {@code targets} holds the minimum ratio per thread count. */
    record Pair(String operation, String plinth, String raw, int[] threads, Map<Integer, Double> targets) {
        static Pair of(String operation, String plinth, String raw, int[] threads, double... targetPerThreads) {
            Map<Integer, Double> t = new LinkedHashMap<>();
            for (int i = 0; i < targetPerThreads.length && i < threads.length; i++) {
                t.put(threads[i], targetPerThreads[i]);
            }
            return new Pair(operation, plinth, raw, threads, t);
        }

        static Pair untargeted(String operation, String plinth, String raw, int[] threads) {
            return new Pair(operation, plinth, raw, threads, Map.of());
        }
    }

    record Section(String title, String intro, List<Pair> pairs) {}

    static List<Section> sections() {
        return List.of(
                new Section(
                        "Memory provider vs raw `ConcurrentHashMap<String, byte[]>`",
                        "Targets: get >= 0.7x, set >= 0.5x the raw map. Raw baselines: `ConcurrentHashMap` get/put; "
                                + "TTL as a `(value, expiresAt)` record; increment as `merge` of a boxed long; "
                                + "compare-and-set as `replace(key, old, new)`; batches as 100 gets / `putAll`; "
                                + "listing as `ConcurrentSkipListMap.subMap` over the prefix; a transaction as ten "
                                + "puts under one `ReentrantLock`; watch delivery as a put plus a "
                                + "`LinkedBlockingQueue` hand-off to one consumer thread.",
                        List.of(
                                Pair.of("get", "MemoryBench.plinthGet", "MemoryBench.rawGet", ONE_FOUR, 0.7, 0.7),
                                Pair.of("set", "MemoryBench.plinthSet", "MemoryBench.rawSet", ONE_FOUR, 0.5, 0.5),
                                Pair.untargeted(
                                        "set with TTL", "MemoryBench.plinthSetTtl", "MemoryBench.rawSetTtl", ONE_FOUR),
                                Pair.untargeted(
                                        "increment",
                                        "MemoryBench.plinthIncrement",
                                        "MemoryBench.rawIncrement",
                                        ONE_FOUR),
                                Pair.untargeted(
                                        "compareAndSet",
                                        "MemoryBench.plinthCompareAndSet",
                                        "MemoryBench.rawCompareAndSet",
                                        ONE_FOUR),
                                Pair.untargeted(
                                        "getAll (100 keys)",
                                        "MemoryBench.plinthGetAll",
                                        "MemoryBench.rawGetAll",
                                        ONE_FOUR),
                                Pair.untargeted(
                                        "setAll (100 keys)",
                                        "MemoryBench.plinthSetAll",
                                        "MemoryBench.rawSetAll",
                                        ONE_FOUR),
                                Pair.untargeted(
                                        "list `pNN:*` (1% of 100,000 keys)",
                                        "MemoryBench.plinthListPrefix", "MemoryBench.rawListPrefix", ONE_FOUR),
                                Pair.untargeted(
                                        "transaction (10 writes)",
                                        "MemoryBench.plinthTransaction",
                                        "MemoryBench.rawTransaction",
                                        ONE_FOUR),
                                Pair.untargeted(
                                        "watch delivery (events/s to one listener)",
                                        "MemoryBench.plinthWatchDelivery",
                                        "MemoryBench.rawWatchDelivery",
                                        ONE_FOUR),
                                Pair.untargeted(
                                        "watch overhead: Plinth set with a watcher (Plinth column) vs without (Raw column)",
                                        "MemoryBench.plinthWatchDelivery",
                                        "MemoryBench.plinthSet",
                                        ONE_FOUR))),
                new Section(
                        "Memory provider vs Caffeine, 100,000 keys",
                        "The peer a Java user would pick for an in-memory store (`MemoryCaffeineBench`, 100,000 keys, "
                                + "100-byte values). The Raw column is Caffeine 3 with `expireAfterWrite` (the fair peer: "
                                + "any Plinth key may carry a TTL), then Caffeine without expiry and a raw "
                                + "`ConcurrentHashMap`. The peers hand out the stored array; Plinth copies a value in and "
                                + "out (its contract). Targets: get and set >= 1.0x Caffeine with expiry.",
                        List.of(
                                Pair.of(
                                        "get vs Caffeine `expireAfterWrite`",
                                        "MemoryCaffeineBench.plinthGet",
                                        "MemoryCaffeineBench.caffeineExpiringGet",
                                        ONE_FOUR,
                                        1.0,
                                        1.0),
                                Pair.of(
                                        "set vs Caffeine `expireAfterWrite` put",
                                        "MemoryCaffeineBench.plinthSet",
                                        "MemoryCaffeineBench.caffeineExpiringPut",
                                        ONE_FOUR,
                                        1.0,
                                        1.0),
                                Pair.untargeted(
                                        "get vs Caffeine, no expiry",
                                        "MemoryCaffeineBench.plinthGet",
                                        "MemoryCaffeineBench.caffeineGet",
                                        ONE_FOUR),
                                Pair.untargeted(
                                        "set vs Caffeine put, no expiry",
                                        "MemoryCaffeineBench.plinthSet",
                                        "MemoryCaffeineBench.caffeinePut",
                                        ONE_FOUR),
                                Pair.untargeted(
                                        "get vs `ConcurrentHashMap`",
                                        "MemoryCaffeineBench.plinthGet",
                                        "MemoryCaffeineBench.rawGet",
                                        ONE_FOUR),
                                Pair.untargeted(
                                        "set vs `ConcurrentHashMap` put",
                                        "MemoryCaffeineBench.plinthSet",
                                        "MemoryCaffeineBench.rawPut",
                                        ONE_FOUR))),
                new Section(
                        "SQLite provider vs raw sqlite-jdbc",
                        "Same pragmas (WAL, `synchronous=NORMAL`; raw `busy_timeout=60000`, see Method), same schema shape, prepared "
                                + "statements, one raw connection per thread. Targets: get/set >= 0.8x, batch >= 0.9x; "
                                + "at 4 writer threads the provider's set >= 2x raw one-transaction-per-write "
                                + "(group commit). With `synchronous=NORMAL` a WAL commit does not fsync, so a raw "
                                + "commit is cheap and grouping saves little; the `durability=full` rows (every commit "
                                + "fsyncs) show what group commit is for.",
                        List.of(
                                Pair.of("get", "SqliteBench.plinthGet", "SqliteBench.rawGet", ONE_FOUR, 0.8, 0.8),
                                Pair.of(
                                        "set (raw: autocommit INSERT OR REPLACE, one transaction per write)",
                                        "SqliteBench.plinthSet",
                                        "SqliteBench.rawSet",
                                        ONE_FOUR,
                                        0.8,
                                        2.0),
                                Pair.of(
                                        "setAll of 100 (raw: one transaction, `addBatch`)",
                                        "SqliteBench.plinthSetAll",
                                        "SqliteBench.rawSetAll",
                                        ONE_FOUR,
                                        0.9,
                                        0.9),
                                Pair.of(
                                        "set, `exclusive=true` (one process owns the file, no change log)",
                                        "SqliteBench.plinthSetExclusive",
                                        "SqliteBench.rawSet",
                                        ONE_FOUR,
                                        0.8,
                                        2.0),
                                Pair.of(
                                        "setAll of 100, `exclusive=true`",
                                        "SqliteBench.plinthSetAllExclusive",
                                        "SqliteBench.rawSetAll",
                                        ONE_FOUR,
                                        0.9,
                                        0.9),
                                Pair.of(
                                        "set, `durability=full` (raw: autocommit with `synchronous=FULL`, one fsync "
                                                + "per write)",
                                        "SqliteBench.plinthSetFull",
                                        "SqliteBench.rawSetFull",
                                        ONE_FOUR,
                                        0.8,
                                        2.0))),
                new Section(
                        "Redis provider vs raw Jedis 8 `RedisClient` (pooled)",
                        "Private redis-server on a loopback port started by `run.sh`; both sides use a pool of 16 "
                                + "connections; raw batches are one pipeline of 100 commands. Targets: >= 0.9x raw; "
                                + "at 16 threads >= the raw pool (1.0x).",
                        List.of(
                                Pair.of(
                                        "get",
                                        "RedisBench.plinthGet",
                                        "RedisBench.rawGet",
                                        REDIS_THREADS,
                                        0.9,
                                        0.9,
                                        1.0),
                                Pair.of(
                                        "set",
                                        "RedisBench.plinthSet",
                                        "RedisBench.rawSet",
                                        REDIS_THREADS,
                                        0.9,
                                        0.9,
                                        1.0),
                                Pair.of(
                                        "getAll of 100 (raw: pipelined GETs)",
                                        "RedisBench.plinthGetAll",
                                        "RedisBench.rawGetAll",
                                        REDIS_THREADS,
                                        0.9,
                                        0.9,
                                        1.0),
                                Pair.of(
                                        "setAll of 100 (raw: pipelined SETs)",
                                        "RedisBench.plinthSetAll",
                                        "RedisBench.rawSetAll",
                                        REDIS_THREADS,
                                        0.9,
                                        0.9,
                                        1.0))),
                new Section(
                        "Redis provider vs Redisson 3.45.1 (issue 20)",
                        "The same private redis-server; Redisson with `ByteArrayCodec`, the sync API and a pool of 16; "
                                + "its writes are `fastPut` (no old value returned). `RMap` is one hash without expiry "
                                + "per entry, `RMapCache` keeps an expiry per entry. Target: Plinth >= 1.0x the better "
                                + "of the two on every row. Set with a TTL: raw is `SET EX`.",
                        List.of(
                                Pair.of(
                                        "get vs `RMap.get`",
                                        "RedisBench.plinthGet",
                                        "RedissonBench.mapGet",
                                        ONE_FOUR,
                                        1.0,
                                        1.0),
                                Pair.of(
                                        "get vs `RMapCache.get`",
                                        "RedisBench.plinthGet",
                                        "RedissonBench.mapCacheGet",
                                        ONE_FOUR,
                                        1.0,
                                        1.0),
                                Pair.of(
                                        "set vs `RMap.fastPut`",
                                        "RedisBench.plinthSet",
                                        "RedissonBench.mapSet",
                                        ONE_FOUR,
                                        1.0,
                                        1.0),
                                Pair.of(
                                        "set vs `RMapCache.fastPut`",
                                        "RedisBench.plinthSet",
                                        "RedissonBench.mapCacheSet",
                                        ONE_FOUR,
                                        1.0,
                                        1.0),
                                Pair.of(
                                        "set with TTL vs `RMapCache.fastPut(k, v, ttl)`",
                                        "RedisBench.plinthSetTtl",
                                        "RedissonBench.mapCacheSetTtl",
                                        ONE_FOUR,
                                        1.0,
                                        1.0),
                                Pair.untargeted(
                                        "set with TTL vs raw `SET EX`",
                                        "RedisBench.plinthSetTtl",
                                        "RedisBench.rawSetTtl",
                                        ONE_FOUR),
                                Pair.of(
                                        "getAll of 100 vs `RMap.getAll`",
                                        "RedisBench.plinthGetAll",
                                        "RedissonBench.mapGetAll",
                                        ONE_FOUR,
                                        1.0,
                                        1.0),
                                Pair.of(
                                        "getAll of 100 vs `RMapCache.getAll`",
                                        "RedisBench.plinthGetAll",
                                        "RedissonBench.mapCacheGetAll",
                                        ONE_FOUR,
                                        1.0,
                                        1.0),
                                Pair.of(
                                        "setAll of 100 vs `RMap.putAll`",
                                        "RedisBench.plinthSetAll",
                                        "RedissonBench.mapPutAll",
                                        ONE_FOUR,
                                        1.0,
                                        1.0),
                                Pair.of(
                                        "setAll of 100 vs `RMapCache.putAll`",
                                        "RedisBench.plinthSetAll",
                                        "RedissonBench.mapCachePutAll",
                                        ONE_FOUR,
                                        1.0,
                                        1.0))),
                new Section(
                        "JSON-file provider vs raw file writes",
                        "Raw baselines write one small file per thread. Target: a `durability=sync` set >= a raw "
                                + "write-temp-fsync-rename of one small file.",
                        List.of(
                                Pair.of(
                                        "sync set vs write temp, fsync, rename",
                                        "JsonFileBench.plinthSyncSet",
                                        "JsonFileBench.rawWriteTempFsyncRename",
                                        ONE_FOUR,
                                        1.0,
                                        1.0),
                                Pair.untargeted(
                                        "sync set vs append + fdatasync",
                                        "JsonFileBench.plinthSyncSet",
                                        "JsonFileBench.rawAppendFsync",
                                        ONE_FOUR),
                                Pair.untargeted(
                                        "batched set vs append without fsync",
                                        "JsonFileBench.plinthBatchedSet",
                                        "JsonFileBench.rawAppend",
                                        ONE_FOUR))));
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> opts = new LinkedHashMap<>();
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                opts.put(args[i].substring(2), args[++i]);
            } else {
                files.add(Path.of(args[i]));
            }
        }
        Results results = new Results();
        for (Path f : files) {
            results.load(f);
        }
        String heap = opts.containsKey("heap") && Files.isRegularFile(Path.of(opts.get("heap")))
                ? Files.readString(Path.of(opts.get("heap")))
                : "Heap footprint was not measured in this run.\n";
        String md = new BenchReport(results)
                .render(
                        opts.getOrDefault("mode", "full"),
                        opts.getOrDefault("command", "?"),
                        opts.getOrDefault("jmh", "?"),
                        opts.getOrDefault("elapsed", "?"),
                        opts.getOrDefault("load", "?"),
                        heap);
        Path out = Path.of(opts.getOrDefault("out", "docs/benchmarks.md"));
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        String previous = Files.isRegularFile(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
        Files.writeString(out, withHandRunSections(md, previous), StandardCharsets.UTF_8);
        System.out.println("BenchReport: " + results.size() + " results -> " + out);
    }

    /**
     * Marks where the hand-run sections begin: figures measured by a command other than {@code run.sh} (a
     * before/after comparison, a peer run by hand) that a regenerated report must not drop.
     */
    static final String HAND_RUN_MARKER = "<!-- Hand-run sections below: written by hand with the command that made"
            + " each figure; BenchReport keeps everything from this line on when it regenerates the file. -->";

    /**
     * The generated report followed by the previous file's hand-run sections, so that a full run replaces
     * the generated tables and keeps figures it did not make. Without a marker in the previous file the
     * generated report gets an empty hand-run part, so the next regeneration has somewhere to keep them.
     */
    static String withHandRunSections(String generated, String previous) {
        int at = previous.indexOf(HAND_RUN_MARKER);
        String kept = at < 0 ? HAND_RUN_MARKER + "\n" : previous.substring(at);
        return generated.stripTrailing() + "\n\n" + kept;
    }

    String render(String mode, String command, String jmhOptions, String elapsed, String load, String heap)
            throws IOException {
        StringBuilder body = new StringBuilder();
        for (Section s : sections()) {
            body.append("## ")
                    .append(s.title())
                    .append("\n\n")
                    .append(s.intro())
                    .append("\n\n");
            body.append("| Operation | Threads | Plinth ops/s | Raw ops/s | Plinth/raw | Target | Status |\n");
            body.append("|---|---:|---:|---:|---:|---:|---|\n");
            for (Pair p : s.pairs()) {
                for (int t : p.threads()) {
                    row(body, p, t);
                }
            }
            body.append('\n');
        }
        scale(body);
        body.append("## Heap\n\n").append(heap).append('\n');

        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        md.append("<!-- Generated by benchmarks/run.sh (dev.plinth.bench.report.BenchReport) from JMH JSON results. "
                + "Do not edit the figures by hand; the method text lives in "
                + "benchmarks/src/main/resources/dev/plinth/bench/report/method.md. -->\n\n");
        if (mode.equals("quick")) {
            md.append("> **Quick smoke run.** These figures come from `benchmarks/run.sh quick` (one fork, one 1 s "
                    + "warm-up, two 1 s iterations, small scale sizes only). With so little warm-up the JIT has often "
                    + "not finished compiling, and the load average below shows how much other work shared the "
                    + "CPUs. They prove the harness works end to end; they are noisy and are **not** the project's "
                    + "performance figures. Replace them with `benchmarks/run.sh full` on a quiet machine.\n\n");
        }
        md.append("## Run\n\n");
        md.append("- Command: `").append(command).append("`\n");
        md.append("- Date: ")
                .append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))
                .append('\n');
        md.append("- Machine: ").append(machine()).append('\n');
        md.append("- Load average when the run started (1, 5, 15 min): ")
                .append(load)
                .append(" (anything near or above the CPU count means other work shared the CPUs)\n");
        md.append("- JVM: ").append(results.jvm()).append(", JMH ").append(results.jmhVersion());
        if (!results.jvmArgs().isBlank()) {
            md.append(", forked JVM args `").append(results.jvmArgs()).append('`');
        }
        md.append('\n');
        md.append("- JMH settings: `")
                .append(jmhOptions)
                .append("`, throughput mode, ops/s; each benchmark at 1 and 4 " + "threads (`-t`), Redis also at 16\n");
        md.append("- Wall time of the whole run: ").append(minutes(elapsed)).append('\n');
        md.append("- Targets: ")
                .append(met)
                .append(" met, ")
                .append(missed)
                .append(" missed, ")
                .append(notRun)
                .append(" not measured in this run\n\n");
        md.append("Plinth/raw is Plinth's throughput divided by the raw library's in the same run; "
                + "\"± \" is JMH's 99.9% confidence half-width (absent with a single iteration). A row says "
                + "\"not run\" when either side produced no result (provider missing or benchmark failed; "
                + "see the JMH log).\n\n");
        md.append(body);
        md.append(method());
        return md.toString();
    }

    private void row(StringBuilder md, Pair p, int threads) {
        Optional<Results.Score> plinth = results.find(p.plinth(), threads, Map.of());
        Optional<Results.Score> raw = results.find(p.raw(), threads, Map.of());
        Double target = p.targets().get(threads);
        String ratio = "";
        String status;
        if (plinth.isPresent() && raw.isPresent() && raw.get().score() > 0) {
            double r = plinth.get().score() / raw.get().score();
            ratio = ratio(r);
            if (target == null) {
                status = "";
            } else if (r >= target) {
                status = "met";
                met++;
            } else {
                status = "**missed**";
                missed++;
            }
        } else {
            status = "not run";
            if (target != null) {
                notRun++;
            }
        }
        md.append("| ")
                .append(p.operation())
                .append(" | ")
                .append(threads)
                .append(" | ")
                .append(plinth.map(BenchReport::ops).orElse("not run"))
                .append(" | ")
                .append(raw.map(BenchReport::ops).orElse("not run"))
                .append(" | ")
                .append(ratio)
                .append(" | ")
                .append(target == null ? "" : String.format(Locale.ROOT, ">= %.1fx", target))
                .append(" | ")
                .append(status)
                .append(" |\n");
    }

    private void scale(StringBuilder md) {
        md.append("## Scale: Plinth at 100 to 1,000,000 keys\n\n");
        md.append("Plinth only (ops/s), store preloaded with that many keys over 100 literal prefixes in batches "
                + "of 10,000; set overwrites existing keys; list returns `pNN:*`, 1% of the keys. JSON-file runs "
                + "with its default `durability=sync`. Target: JSON-file set at 1,000,000 keys >= 0.8x set at "
                + "100 keys.\n\n");
        md.append("| Provider | Operation | Threads |");
        for (String size : SCALE_SIZES) {
            md.append(' ')
                    .append(String.format(Locale.ROOT, "%,d", Integer.parseInt(size)))
                    .append(" keys |");
        }
        md.append("\n|---|---|---:|");
        md.append("---:|".repeat(SCALE_SIZES.length)).append('\n');
        for (String provider : List.of("memory", "sqlite", "jsonfile")) {
            for (String op : List.of("get", "set", "listPrefix")) {
                for (int t : ONE_FOUR) {
                    md.append("| ")
                            .append(provider)
                            .append(" | ")
                            .append(op)
                            .append(" | ")
                            .append(t)
                            .append(" |");
                    for (String size : SCALE_SIZES) {
                        md.append(' ')
                                .append(scaleScore(provider, op, t, size)
                                        .map(BenchReport::ops)
                                        .orElse("-"))
                                .append(" |");
                    }
                    md.append('\n');
                }
            }
        }
        md.append('\n');
        md.append("| Target | Threads | set at 100 keys | set at 1,000,000 keys | ratio | Target | Status |\n");
        md.append("|---|---:|---:|---:|---:|---:|---|\n");
        for (int t : ONE_FOUR) {
            Optional<Results.Score> small = scaleScore("jsonfile", "set", t, "100");
            Optional<Results.Score> large = scaleScore("jsonfile", "set", t, "1000000");
            String ratio = "";
            String status;
            if (small.isPresent() && large.isPresent()) {
                double r = large.get().score() / small.get().score();
                ratio = ratio(r);
                status = r >= 0.8 ? "met" : "**missed**";
                if (r >= 0.8) {
                    met++;
                } else {
                    missed++;
                }
            } else {
                status = "not run";
                notRun++;
            }
            md.append("| JSON-file set, 1M vs 100 keys | ")
                    .append(t)
                    .append(" | ")
                    .append(small.map(BenchReport::ops).orElse("not run"))
                    .append(" | ")
                    .append(large.map(BenchReport::ops).orElse("not run"))
                    .append(" | ")
                    .append(ratio)
                    .append(" | >= 0.8x | ")
                    .append(status)
                    .append(" |\n");
        }
        md.append('\n');
    }

    /** Two decimals, or three significant digits for ratios under 0.1 so they never print as 0.00x. */
    private static String ratio(double r) {
        return r >= 0.1 ? String.format(Locale.ROOT, "%.2fx", r) : String.format(Locale.ROOT, "%.3gx", r);
    }

    private Optional<Results.Score> scaleScore(String provider, String op, int threads, String size) {
        return results.find("ScaleBench." + op, threads, Map.of("provider", provider, "keys", size));
    }

    private static String ops(Results.Score s) {
        String score = String.format(Locale.ROOT, "%,.0f", s.score());
        if (Double.isNaN(s.error()) || s.error() == 0) {
            return score;
        }
        return score + " ± " + String.format(Locale.ROOT, "%,.0f", s.error());
    }

    private static String minutes(String seconds) {
        try {
            long s = Long.parseLong(seconds);
            return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        } catch (NumberFormatException e) {
            return seconds;
        }
    }

    private static String machine() {
        String cpu = "unknown CPU";
        String mem = "";
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            cpu = lines.filter(l -> l.startsWith("model name"))
                    .findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .orElse(cpu);
        } catch (IOException | RuntimeException e) {
            // not Linux: keep "unknown"
        }
        try (Stream<String> lines = Files.lines(Path.of("/proc/meminfo"))) {
            mem = lines.filter(l -> l.startsWith("MemTotal"))
                    .findFirst()
                    .map(l -> {
                        long kb = Long.parseLong(l.replaceAll("[^0-9]", ""));
                        return String.format(Locale.ROOT, ", %.1f GiB RAM", kb / 1024.0 / 1024.0);
                    })
                    .orElse("");
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return Runtime.getRuntime().availableProcessors() + " CPUs (nproc), " + cpu + mem + ", "
                + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch");
    }

    private static String method() throws IOException {
        try (InputStream in = BenchReport.class.getResourceAsStream("method.md")) {
            if (in == null) {
                return "";
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
