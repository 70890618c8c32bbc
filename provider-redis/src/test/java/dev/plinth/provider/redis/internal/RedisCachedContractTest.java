package dev.plinth.provider.redis.internal;

import dev.plinth.core.config.CacheSettings;
import dev.plinth.core.config.StorageLayers;

/**
 * The whole provider TCK again on the shared redis-server with the near cache on for every plugin, so the
 * cache cannot change a clause of the contract: the sharing tests then read through two caches kept
 * coherent by the Pub/Sub change feed.
 */
class RedisCachedContractTest extends RedisContractTest {
    @Override
    protected StorageLayers layers() {
        return StorageLayers.cache(CacheSettings.enabledDefaults().withMaxEntries(64));
    }
}
