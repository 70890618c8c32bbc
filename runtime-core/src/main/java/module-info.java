/**
 * The Plinth host runtime.
 */
module dev.plinth.core {
    requires transitive dev.plinth.api;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.datatype.jsr310;

    exports dev.plinth.core.storage;

    uses dev.plinth.api.plugin.Plugin;
    uses dev.plinth.spi.storage.StorageProvider;
}
