package dev.plinth.provider.redis.internal;

import dev.plinth.provider.redis.RedisStorageProvider;
import dev.plinth.spi.storage.BackendContext;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.CommitResult;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.ProviderConfig;
import dev.plinth.spi.storage.Write;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/** Opens backends for tests with a unique key prefix and removes that prefix's keys afterwards. */
final class Backends {
    /**
     * The scheduler of every backend a test opens without a runtime, as the runtime's would be: shared,
     * daemon threads, never shut down (the JVM ends with the tests). Two threads, so one sweep waiting on a
     * frozen server does not hold up every other backend's.
     */
    static final ScheduledExecutorService SCHEDULER = new ScheduledThreadPoolExecutor(2, r -> {
        Thread t = new Thread(r, "test-backend-scheduler");
        t.setDaemon(true);
        return t;
    });

    private Backends() {}

    static String uniquePrefix() {
        return "plinth-test:" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    /** @return a context reporting to {@code listener}, on the system clock and the shared test scheduler */
    static BackendContext context(ChangeListener listener) {
        return new BackendContext() {
            @Override
            public ChangeListener changes() {
                return listener;
            }

            @Override
            public InstantSource clock() {
                return InstantSource.system();
            }

            @Override
            public ScheduledExecutorService scheduler() {
                return SCHEDULER;
            }
        };
    }

    /**
     * Commits and returns each put key's version (the last put's, for a key put twice), in write order: what
     * a test compares with what reads and events report.
     */
    static Map<String, Long> versions(RedisStorageBackend backend, Namespace ns, Commit commit) {
        CommitResult r = backend.commit(ns, commit);
        Map<String, Long> versions = new LinkedHashMap<>();
        for (int i = 0; i < r.size(); i++) {
            if (commit.writes().get(i) instanceof Write.Put) {
                versions.put(commit.writes().get(i).key(), r.outcome(i));
            }
        }
        return versions;
    }

    static RedisStorageBackend open(Map<String, String> options, ChangeListener listener) {
        ProviderConfig.Builder b = ProviderConfig.builder(new RedisStorageProvider());
        if (!options.containsKey("uri") && !options.containsKey("host")) {
            b.set("uri", RedisServers.sharedUri());
        }
        options.forEach(b::set);
        return (RedisStorageBackend) new RedisStorageProvider().open(b.build(), context(listener));
    }

    /** Deletes every key under {@code prefix} on the server at {@code port} (SCAN in a test is fine). */
    static void purge(int port, String prefix) {
        try (redis.clients.jedis.Jedis j = new redis.clients.jedis.Jedis("127.0.0.1", port)) {
            redis.clients.jedis.params.ScanParams p = new redis.clients.jedis.params.ScanParams()
                    .match(RedisMatch.escape(prefix) + "*")
                    .count(1000);
            String cursor = "0";
            do {
                redis.clients.jedis.resps.ScanResult<String> r = j.scan(cursor, p);
                if (!r.getResult().isEmpty()) {
                    j.unlink(r.getResult().toArray(new String[0]));
                }
                cursor = r.getCursor();
            } while (!"0".equals(cursor));
        }
    }

    static long countKeys(int port, String prefix) {
        try (redis.clients.jedis.Jedis j = new redis.clients.jedis.Jedis("127.0.0.1", port)) {
            redis.clients.jedis.params.ScanParams p = new redis.clients.jedis.params.ScanParams()
                    .match(RedisMatch.escape(prefix) + "*")
                    .count(1000);
            String cursor = "0";
            long n = 0;
            do {
                redis.clients.jedis.resps.ScanResult<String> r = j.scan(cursor, p);
                n += r.getResult().size();
                cursor = r.getCursor();
            } while (!"0".equals(cursor));
            return n;
        }
    }
}
