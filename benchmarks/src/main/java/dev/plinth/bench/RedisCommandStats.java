package dev.plinth.bench;

import static dev.plinth.bench.Fixture.KEYS;
import static dev.plinth.bench.Fixture.READ_BATCHES;
import static dev.plinth.bench.Fixture.VALUE;
import static dev.plinth.bench.Fixture.WRITE_BATCHES;

import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.core.storage.StorageEngine;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * What each Redis operation costs the server, read from {@code INFO commandstats}: for get, set, getAll(100)
 * and setAll(100), by Plinth and by raw Jedis, the commands sent per operation and the server's
 * microseconds per key. Unlike throughput this does not depend on how loaded the client's CPU is, so it is
 * the load-robust half of the Redis figures. Run against the private server of {@link RedisServer}:
 *
 * <pre>PLINTH_BENCH_REDIS_PORT=&lt;port&gt; java -cp benchmarks/target/benchmarks.jar dev.plinth.bench.RedisCommandStats [ops]</pre>
 *
 * <p>Each row: {@code CONFIG RESETSTAT}, {@code ops} operations, then the commandstats of every command
 * the server counted (calls and usec), divided by the operations (calls per op) and by the keys touched
 * (usec per key). A Lua script's own {@code redis.call}s are counted under their commands too, and the
 * EVALSHA's usec includes them, so the per-key total counts only the commands the client sent.
 */
public final class RedisCommandStats {
    private RedisCommandStats() {}

    public static void main(String[] args) {
        int ops = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int port = RedisServer.port();
        try (Jedis admin = new Jedis(RedisServer.HOST, port);
                StorageEngine engine = Plinth.open(
                        "redis",
                        Map.of(
                                "uri",
                                "redis://" + RedisServer.HOST + ":" + port,
                                "keyPrefix",
                                "plinth-stats:",
                                // No sweep while measuring: its scripts would be counted in the rows.
                                "sweepInterval",
                                "1h"))) {
            KeyValueStore store = engine.store(Plinth.NAMESPACE);
            store.clear();
            WRITE_BATCHES.forEach(store::setAll);
            byte[][] raw = new byte[KEYS.length][];
            for (int i = 0; i < KEYS.length; i++) {
                raw[i] = ("rawstats:" + KEYS[i]).getBytes(StandardCharsets.UTF_8);
                admin.set(raw[i], VALUE);
            }
            int batches = WRITE_BATCHES.size();
            int batchOps = Math.max(1, ops / 20);
            System.out.printf("%-16s %8s  %s%n", "operation", "usec/key", "commands per operation (usec/call)");
            row(admin, "plinth get", ops, 1, i -> store.get(KEYS[i % KEYS.length]));
            row(admin, "plinth getEntry", ops, 1, i -> store.getEntry(KEYS[i % KEYS.length]));
            row(admin, "raw get", ops, 1, i -> admin.get(raw[i % raw.length]));
            row(admin, "plinth set", ops, 1, i -> store.set(KEYS[i % KEYS.length], VALUE));
            row(admin, "raw set", ops, 1, i -> admin.set(raw[i % raw.length], VALUE));
            row(admin, "plinth getAll", batchOps, Data.BATCH, i -> store.getAll(READ_BATCHES.get(i % batches)));
            row(admin, "raw getAll", batchOps, Data.BATCH, i -> {
                try (Pipeline p = admin.pipelined()) {
                    int start = (i % batches) * Data.BATCH;
                    for (int k = 0; k < Data.BATCH; k++) {
                        p.get(raw[(start + k) % raw.length]);
                    }
                    p.sync();
                }
            });
            row(admin, "plinth setAll", batchOps, Data.BATCH, i -> store.setAll(WRITE_BATCHES.get(i % batches)));
            row(admin, "raw setAll", batchOps, Data.BATCH, i -> {
                try (Pipeline p = admin.pipelined()) {
                    int start = (i % batches) * Data.BATCH;
                    for (int k = 0; k < Data.BATCH; k++) {
                        p.set(raw[(start + k) % raw.length], VALUE);
                    }
                    p.sync();
                }
            });
            // Last: once keys expire, setAll takes its path for a scope with expiring keys.
            java.time.Duration ttl = java.time.Duration.ofSeconds(RedisBench.TTL_SECONDS);
            row(admin, "plinth setTtl", ops, 1, i -> store.set(KEYS[i % KEYS.length], VALUE, ttl));
            redis.clients.jedis.params.SetParams ex =
                    redis.clients.jedis.params.SetParams.setParams().ex(RedisBench.TTL_SECONDS);
            row(admin, "raw setTtl", ops, 1, i -> admin.set(raw[i % raw.length], VALUE, ex));
            store.clear();
            for (byte[] k : raw) {
                admin.del(k);
            }
        }
    }

    private interface Op {
        void run(int i);
    }

    private static void row(Jedis admin, String name, int ops, int keysPerOp, Op op) {
        for (int i = 0; i < Math.min(ops, 2000); i++) {
            op.run(i); // warm the client's JIT; the server's figures start after
        }
        admin.configResetStat();
        for (int i = 0; i < ops; i++) {
            op.run(i);
        }
        Map<String, long[]> stats = commandStats(admin.info("commandstats"));
        stats.keySet().removeIf(c -> c.startsWith("config"));
        StringBuilder b = new StringBuilder();
        long all = 0;
        long nested = 0;
        for (Map.Entry<String, long[]> e : stats.entrySet()) {
            long calls = e.getValue()[0];
            long usec = e.getValue()[1];
            b.append(String.format(" %s %.2f (%.2f)", e.getKey(), calls / (double) ops, usec / (double) calls));
            all += usec;
            if (!CONTAINERS.contains(e.getKey())) {
                nested += usec;
            }
        }
        // EVALSHA's and EXEC's usec include the commands they ran, which are also counted under their own
        // names (measured on Redis 7.0): when one ran, the client-sent cost is theirs (and MULTI's). No
        // path here sends a plain command beside a script or a transaction in the same operation.
        long containers = all - nested;
        long sent = containers > 0 ? containers : all;
        System.out.printf("%-16s %8.3f %s%n", name, sent / (double) ops / keysPerOp, b);
    }

    /** The commands whose usec includes the commands they ran, and MULTI, which opens one. */
    private static final java.util.Set<String> CONTAINERS = java.util.Set.of("evalsha", "eval", "exec", "multi");

    /** @return command name to {calls, usec} from an INFO commandstats reply */
    static Map<String, long[]> commandStats(String info) {
        Map<String, long[]> out = new TreeMap<>();
        for (String line : info.split("\r?\n", -1)) {
            if (!line.startsWith("cmdstat_")) {
                continue;
            }
            String name = line.substring("cmdstat_".length(), line.indexOf(':'));
            long calls = 0;
            long usec = 0;
            for (String field : line.substring(line.indexOf(':') + 1).split(",", -1)) {
                String[] kv = field.split("=", -1);
                if (kv[0].equals("calls")) {
                    calls = Long.parseLong(kv[1]);
                } else if (kv[0].equals("usec")) {
                    usec = Long.parseLong(kv[1]);
                }
            }
            out.put(name, new long[] {calls, usec});
        }
        return out;
    }
}
