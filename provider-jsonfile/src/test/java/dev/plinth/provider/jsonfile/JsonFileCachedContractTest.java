package dev.plinth.provider.jsonfile;

import dev.plinth.core.config.CacheSettings;
import dev.plinth.core.config.StorageLayers;

/**
 * The whole provider TCK again with the near cache on for every plugin, so the cache cannot change a clause
 * of the contract on the JSON-file provider either: its folder is owned by one process, so the cache hears of
 * every change through the provider's in-process feed.
 */
class JsonFileCachedContractTest extends JsonFileContractTest {
    @Override
    protected StorageLayers layers() {
        return StorageLayers.cache(CacheSettings.enabledDefaults().withMaxEntries(64));
    }
}
