/**
 * The {@code memory} storage provider: plugin data in the JVM heap, fast and not durable.
 */
module dev.plinth.provider.memory {
    requires transitive dev.plinth.api;

    // For hosts that hand the provider to the runtime themselves (PlinthRuntime.builder().storageProvider);
    // everything else in the package is package-private.
    exports dev.plinth.provider.memory;

    provides dev.plinth.spi.storage.StorageProvider with
            dev.plinth.provider.memory.MemoryStorageProvider;
}
