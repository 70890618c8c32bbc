/**
 * Plinth's API: what plugins and storage providers compile against. Depends on the JDK, slf4j-api and
 * JSpecify (nullness annotations) only. Every package is {@code @NullMarked}: a type is non-null unless
 * marked {@code @Nullable}.
 */
module dev.plinth.api {
    requires transitive org.slf4j;
    // Annotations only: needed to compile against the API, not to run it.
    requires static transitive org.jspecify;

    exports dev.plinth.api;
    exports dev.plinth.api.health;
    exports dev.plinth.api.plugin;
    exports dev.plinth.api.storage;
    exports dev.plinth.spi.storage;

    uses dev.plinth.api.plugin.Plugin;
    uses dev.plinth.spi.storage.StorageProvider;
}
