package dev.plinth.provider.memory;

import dev.plinth.spi.storage.StorageProvider;
import dev.plinth.tck.StorageContractTck;
import java.util.Map;

/** Runs the whole provider TCK against the memory provider; every engine it opens is a fresh heap. */
class MemoryContractTest extends StorageContractTck {

    @Override
    protected StorageProvider provider() {
        return new MemoryStorageProvider();
    }

    @Override
    protected Map<String, String> freshOptions() {
        return Map.of("sweepInterval", "50ms");
    }
}
