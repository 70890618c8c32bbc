/**
 * Plinth's API: what plugins and storage providers compile against. Depends on the JDK and slf4j-api only.
 */
module dev.plinth.api {
    requires transitive org.slf4j;

    exports dev.plinth.api;
    exports dev.plinth.api.plugin;
    exports dev.plinth.api.storage;
    exports dev.plinth.spi.storage;

    uses dev.plinth.api.plugin.Plugin;
    uses dev.plinth.spi.storage.StorageProvider;
}
