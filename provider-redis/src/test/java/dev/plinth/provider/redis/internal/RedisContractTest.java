package dev.plinth.provider.redis.internal;

import dev.plinth.provider.redis.RedisStorageProvider;
import dev.plinth.spi.storage.StorageProvider;
import dev.plinth.tck.StorageContractTck;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;

/** The storage contract on the shared redis-server (127.0.0.1:6379), one unique key prefix per test. */
class RedisContractTest extends StorageContractTck {
    private static final List<String> PREFIXES = new CopyOnWriteArrayList<>();

    @Override
    protected StorageProvider provider() {
        return new RedisStorageProvider();
    }

    @Override
    protected Map<String, String> freshOptions() {
        String prefix = Backends.uniquePrefix();
        PREFIXES.add(prefix);
        return Map.of("uri", RedisServers.sharedUri(), "keyPrefix", prefix);
    }

    @AfterAll
    static void removeTestKeys() {
        // After every engine is closed, so no sweeper re-registers a scope behind the purge.
        for (String prefix : PREFIXES) {
            Backends.purge(RedisServers.sharedPort(), prefix);
        }
    }
}
