/**
 * The Plinth host runtime: lifecycle, discovery, configuration and the storage engine.
 */
module dev.plinth.core {
    requires transitive dev.plinth.api;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.datatype.jsr310;

    exports dev.plinth.core;
    exports dev.plinth.core.config;
    exports dev.plinth.core.discovery;
    exports dev.plinth.core.lifecycle;
    exports dev.plinth.core.storage;

    uses dev.plinth.api.plugin.Plugin;
    uses dev.plinth.spi.storage.StorageProvider;
}
