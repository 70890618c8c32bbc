package dev.plinth.provider.redis;

import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.ProviderConfig;
import java.util.Map;
import java.util.UUID;

/** Opens backends for tests with a unique key prefix and removes that prefix's keys afterwards. */
final class Backends {
    private Backends() {
    }

    static String uniquePrefix() {
        return "plinth-test:" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    static RedisStorageBackend open(Map<String, String> options, ChangeListener listener) {
        ProviderConfig.Builder b = ProviderConfig.builder(new RedisStorageProvider());
        if (!options.containsKey("uri") && !options.containsKey("host")) {
            b.set("uri", RedisServers.sharedUri());
        }
        options.forEach(b::set);
        return (RedisStorageBackend) new RedisStorageProvider().open(b.build(), listener);
    }

    /** Deletes every key under {@code prefix} on the server at {@code port} (SCAN in a test is fine). */
    static void purge(int port, String prefix) {
        try (redis.clients.jedis.Jedis j = new redis.clients.jedis.Jedis("127.0.0.1", port)) {
            redis.clients.jedis.params.ScanParams p = new redis.clients.jedis.params.ScanParams()
                    .match(dev.plinth.spi.storage.GlobPattern.escapeRedis(prefix) + "*").count(1000);
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
                    .match(dev.plinth.spi.storage.GlobPattern.escapeRedis(prefix) + "*").count(1000);
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
