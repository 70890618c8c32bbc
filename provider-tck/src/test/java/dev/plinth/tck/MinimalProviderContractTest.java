package dev.plinth.tck;

import dev.plinth.spi.storage.StorageProvider;
import java.util.Map;

/** The whole TCK against {@link MinimalProvider}: the SPI's required core, plus the runtime's defaults. */
class MinimalProviderContractTest extends StorageContractTck {

    @Override
    protected StorageProvider provider() {
        return new MinimalProvider();
    }

    @Override
    protected Map<String, String> freshOptions() {
        return Map.of();
    }
}
