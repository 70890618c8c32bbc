package dev.plinth.provider.redis.internal;

import dev.plinth.provider.redis.RedisStorageProvider;
import dev.plinth.spi.storage.StorageProvider;
import dev.plinth.tck.StorageContractTck;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The storage contract on the oldest server the provider supports: embedded-redis's bundled Redis 6.2
 * (private, on a free port), which differs from Redis 7 in how scripts meet OOM and in command flags.
 */
class RedisOldServerContractTest extends StorageContractTck {
    private static RedisServers.Server server;

    @BeforeAll
    static void startServer() throws Exception {
        server = RedisServers.startEmbedded();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected StorageProvider provider() {
        return new RedisStorageProvider();
    }

    @Override
    protected Map<String, String> freshOptions() {
        return Map.of("uri", server.uri(), "keyPrefix", Backends.uniquePrefix());
    }
}
