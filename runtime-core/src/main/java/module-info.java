/**
 * The Plinth host runtime: lifecycle, discovery, configuration and the storage engine. A host calls
 * {@code dev.plinth.core.PlinthRuntime} and configures it with {@code dev.plinth.core.config}; everything
 * else is the runtime's own business and not exported. The storage engine is exported to the provider TCK
 * only, which drives a provider through it the way plugins meet it.
 */
// "module": the TCK that the engine is exported to is not on the path when core itself is compiled.
@SuppressWarnings("module")
module dev.plinth.core {
    requires transitive dev.plinth.api;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.datatype.jsr310;
    requires com.github.benmanes.caffeine;
    requires org.lz4.java;

    exports dev.plinth.core;
    exports dev.plinth.core.admin;
    exports dev.plinth.core.config;
    exports dev.plinth.core.plugins;
    exports dev.plinth.core.health;
    exports dev.plinth.core.observe;
    exports dev.plinth.core.storage to
            dev.plinth.tck;

    uses dev.plinth.api.plugin.Plugin;
    uses dev.plinth.spi.storage.StorageProvider;
}
