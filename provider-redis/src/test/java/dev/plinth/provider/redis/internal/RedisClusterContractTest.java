package dev.plinth.provider.redis.internal;

import dev.plinth.provider.redis.RedisStorageProvider;
import dev.plinth.spi.storage.StorageProvider;
import dev.plinth.tck.StorageContractTck;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The storage contract with {@code mode=cluster} on a private 3-master Redis Cluster: every scope is one
 * hash slot, scopes of a test land on different masters.
 */
class RedisClusterContractTest extends StorageContractTck {
    private static RedisServers.Cluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = RedisServers.startCluster(3);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    protected StorageProvider provider() {
        return new RedisStorageProvider();
    }

    @Override
    protected Map<String, String> freshOptions() {
        return Map.of("mode", "cluster", "clusterNodes", cluster.nodesOption(), "keyPrefix", Backends.uniquePrefix());
    }
}
