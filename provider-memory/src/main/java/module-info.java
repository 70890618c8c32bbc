/**
 * The {@code memory} storage provider: plugin data in the JVM heap, fast and not durable.
 */
module dev.plinth.provider.memory {
    requires dev.plinth.api;

    provides dev.plinth.spi.storage.StorageProvider with
            dev.plinth.provider.memory.MemoryStorageProvider;
}
