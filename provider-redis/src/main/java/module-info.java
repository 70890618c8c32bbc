/**
 * Plinth's Redis storage provider: shared state for many processes on Redis (standalone, Sentinel or
 * Cluster) through Jedis. Exports its package so callers can catch the provider's typed exceptions.
 */
module dev.plinth.provider.redis {
    requires transitive dev.plinth.api;
    requires redis.clients.jedis;
    requires org.apache.commons.pool2;
    requires org.slf4j;

    exports dev.plinth.provider.redis;

    provides dev.plinth.spi.storage.StorageProvider with dev.plinth.provider.redis.RedisStorageProvider;
}
