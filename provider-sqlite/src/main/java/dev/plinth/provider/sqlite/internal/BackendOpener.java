package dev.plinth.provider.sqlite.internal;

import dev.plinth.spi.storage.BackendContext;
import dev.plinth.spi.storage.ProviderConfig;
import dev.plinth.spi.storage.StorageBackend;

/**
 * The one way into this package from {@link dev.plinth.provider.sqlite.SqliteStorageProvider}: public only
 * because the provider lives in the module's exported package; this package is not exported.
 */
public final class BackendOpener {
    private BackendOpener() {
    }

    /**
     * Opens a backend as {@link dev.plinth.spi.storage.StorageProvider#open} describes.
     *
     * @param config the validated options
     * @param context the runtime's listener, clock and scheduler
     * @return the open backend, with every optional part of the SPI
     */
    public static StorageBackend open(ProviderConfig config, BackendContext context) {
        return SqliteStorageBackend.open(SqliteSettings.from(config), context);
    }
}
