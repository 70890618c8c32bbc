package dev.plinth.provider.redis;

import dev.plinth.provider.redis.RedisStorageProvider.Mode;
import java.time.Duration;
import java.util.Iterator;
import java.util.function.Supplier;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * Builds the Jedis 8 client for the configured mode ({@link RedisClient}, {@link RedisSentinelClient} or
 * {@link RedisClusterClient}) and knows how to drop its idle pooled connections after an outage.
 */
final class RedisConnector {
    private RedisConnector() {
    }

    static UnifiedJedis build(RedisSettings s) {
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(s.poolSize);
        pool.setMaxIdle(s.poolSize);
        pool.setMinIdle(0);
        pool.setBlockWhenExhausted(true);
        // A caller waits for a free connection at most as long as for a reply: no unbounded wait.
        pool.setMaxWait(s.connectTimeout.plus(s.readTimeout));
        pool.setJmxEnabled(false);
        switch (s.mode) {
            case SENTINEL:
                return RedisSentinelClient.builder().masterName(s.sentinelMaster).sentinels(s.nodeSet())
                        .clientConfig(s.clientConfig(true)).sentinelClientConfig(s.sentinelConfig())
                        .poolConfig(pool).build();
            case CLUSTER:
                return RedisClusterClient.builder().nodes(s.nodeSet()).clientConfig(s.clientConfig(false))
                        .poolConfig(pool).maxAttempts(3)
                        .maxTotalRetriesDuration(s.readTimeout.multipliedBy(2).plus(s.connectTimeout))
                        .build();
            default:
                return RedisClient.builder().hostAndPort(s.nodes.get(0)).clientConfig(s.clientConfig(true))
                        .poolConfig(pool).build();
        }
    }

    /**
     * Evicts idle pooled connections: after a server restart they are all dead, and each would otherwise
     * fail one more operation before the pool replaced it.
     */
    static void clearIdle(UnifiedJedis client) {
        try {
            if (client instanceof RedisClient) {
                ((RedisClient) client).getPool().clear();
            } else if (client instanceof RedisSentinelClient) {
                ((RedisSentinelClient) client).getPrimaryNodesConnectionMap().values()
                        .forEach(GenericObjectPool::clear);
            } else if (client instanceof RedisClusterClient) {
                ((RedisClusterClient) client).getClusterNodes().values().forEach(GenericObjectPool::clear);
            }
        } catch (RuntimeException ignored) {
            // Best effort only: a broken connection is still replaced when it fails.
        }
    }

    /** @return where the change feed subscribes: the server, the current master, or any cluster node */
    static Supplier<HostAndPort> feedTarget(RedisSettings s, UnifiedJedis client) {
        if (s.mode == Mode.SENTINEL) {
            return ((RedisSentinelClient) client)::getCurrentMaster;
        }
        if (s.mode == Mode.CLUSTER) {
            RedisClusterClient cluster = (RedisClusterClient) client;
            // PUBLISH reaches every node of a cluster; rotate through known nodes so a dead one is skipped.
            return new Supplier<>() {
                private int next;

                @Override
                public HostAndPort get() {
                    Iterator<String> it = cluster.getClusterNodes().keySet().iterator();
                    int n = cluster.getClusterNodes().size();
                    if (n == 0) {
                        return s.nodes.get(0);
                    }
                    int skip = Math.floorMod(next++, n);
                    String node = null;
                    for (int i = 0; i <= skip && it.hasNext(); i++) {
                        node = it.next();
                    }
                    return node == null ? s.nodes.get(0) : HostAndPort.from(node);
                }
            };
        }
        HostAndPort only = s.nodes.get(0);
        return () -> only;
    }

    static Duration totalTimeout(RedisSettings s) {
        return s.connectTimeout.plus(s.readTimeout);
    }
}
