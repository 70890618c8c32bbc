package dev.plinth.provider.sqlite;

import dev.plinth.core.config.CacheSettings;
import dev.plinth.core.config.StorageLayers;

/**
 * The whole provider TCK again with the near cache on for every plugin, so the cache cannot change a clause
 * of the contract: the sharing tests (two engines on one file) then read through two caches kept coherent by
 * the file's change log.
 */
class SqliteCachedContractTest extends SqliteContractTest {
    @Override
    protected StorageLayers layers() {
        return StorageLayers.cache(CacheSettings.enabledDefaults().withMaxEntries(64));
    }
}
