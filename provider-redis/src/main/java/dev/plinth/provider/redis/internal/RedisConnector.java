package dev.plinth.provider.redis.internal;

import dev.plinth.provider.redis.RedisStorageProvider.Mode;
import java.time.Duration;
import java.util.Iterator;
import java.util.function.Supplier;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.PooledObjectFactory;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.providers.PooledConnectionProvider;

/**
 * Builds the Jedis 8 client for the configured mode ({@link RedisClient}, {@link RedisSentinelClient} or
 * {@link RedisClusterClient}) and knows how to drop its idle pooled connections after an outage.
 */
final class RedisConnector {
    private RedisConnector() {}

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
                return RedisSentinelClient.builder()
                        .masterName(s.sentinelMaster)
                        .sentinels(s.nodeSet())
                        .clientConfig(s.clientConfig(true))
                        .sentinelClientConfig(s.sentinelConfig())
                        .poolConfig(pool)
                        .build();
            case CLUSTER:
                return RedisClusterClient.builder()
                        .nodes(s.nodeSet())
                        .clientConfig(s.clientConfig(false))
                        .poolConfig(pool)
                        .maxAttempts(3)
                        .maxTotalRetriesDuration(s.readTimeout.multipliedBy(2).plus(s.connectTimeout))
                        .build();
            default:
                JedisClientConfig config = s.clientConfig(true);
                PooledConnectionProvider provider = new PooledConnectionProvider(
                        new NoReplacementOnFailure(new ConnectionFactory(s.nodes.get(0), config)), pool);
                return RedisClient.builder()
                        .hostAndPort(s.nodes.get(0))
                        .clientConfig(config)
                        .connectionProvider(provider)
                        .build();
        }
    }

    /**
     * Jedis's connection factory, except that it makes no connection for commons-pool's
     * {@code invalidateObject}, which replaces every broken connection at once, in the caller's thread:
     * against a frozen server that replacement waits for its own read timeout, so a call that had already
     * waited readTimeout for its reply failed only after twice that, and against an unreachable one it
     * waits connectTimeout more. A caller that needs a connection gets one made on demand instead.
     */
    static final class NoReplacementOnFailure implements PooledObjectFactory<Connection> {
        private final PooledObjectFactory<Connection> delegate;

        NoReplacementOnFailure(PooledObjectFactory<Connection> delegate) {
            this.delegate = delegate;
        }

        @Override
        public PooledObject<Connection> makeObject() throws Exception {
            if (StackWalker.getInstance()
                    .walk(frames -> frames.limit(16)
                            .anyMatch(f -> "invalidateObject".equals(f.getMethodName())
                                    && f.getClassName().startsWith("org.apache.commons.pool2.")))) {
                // Caught by Jedis and kept as a suppressed exception of the call's own failure.
                throw new IllegalStateException("no eager replacement for a broken Redis connection");
            }
            return delegate.makeObject();
        }

        @Override
        public void destroyObject(PooledObject<Connection> p) throws Exception {
            delegate.destroyObject(p);
        }

        @Override
        public boolean validateObject(PooledObject<Connection> p) {
            return delegate.validateObject(p);
        }

        @Override
        public void activateObject(PooledObject<Connection> p) throws Exception {
            delegate.activateObject(p);
        }

        @Override
        public void passivateObject(PooledObject<Connection> p) throws Exception {
            delegate.passivateObject(p);
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
                ((RedisSentinelClient) client)
                        .getPrimaryNodesConnectionMap()
                        .values()
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
