package dev.plinth.provider.memory;

import dev.plinth.core.config.CacheSettings;
import dev.plinth.core.config.StorageLayers;

/**
 * The whole provider TCK again with the near cache on for every plugin (small bound, negative caching), so
 * the cache cannot change a clause of the contract.
 */
class MemoryCachedContractTest extends MemoryContractTest {
    @Override
    protected StorageLayers layers() {
        return StorageLayers.cache(CacheSettings.enabledDefaults().withMaxEntries(64));
    }
}
