package dev.plinth.tck;

import dev.plinth.spi.storage.StorageProvider;
import java.util.Map;
import java.util.UUID;

/**
 * Runs the whole TCK against {@link ReferenceMemoryProvider}: proves the suite compiles into a runnable
 * contract, that JUnit discovers the nested classes through a concrete subclass, and that every test is
 * satisfiable by a straightforward implementation.
 */
class ReferenceMemoryContractTest extends StorageContractTck {

    @Override
    protected StorageProvider provider() {
        return new ReferenceMemoryProvider();
    }

    @Override
    protected Map<String, String> freshOptions() {
        return Map.of(ReferenceMemoryProvider.DATASET.name(), "tck-" + UUID.randomUUID());
    }
}
