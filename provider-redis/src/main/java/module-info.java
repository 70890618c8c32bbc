/**
 * Plinth's Redis storage provider: shared state for many processes on Redis (standalone, Sentinel or
 * Cluster) through Jedis. Exports only what users call: the provider class (its options and modes) and
 * its typed exceptions, so callers can catch them. The implementation lives in the unexported
 * {@code dev.plinth.provider.redis.internal}, with its Lua scripts as resources beside it.
 */
module dev.plinth.provider.redis {
    requires transitive dev.plinth.api;
    requires redis.clients.jedis;
    requires org.apache.commons.pool2;
    requires org.slf4j;

    exports dev.plinth.provider.redis;

    provides dev.plinth.spi.storage.StorageProvider with
            dev.plinth.provider.redis.RedisStorageProvider;
}
