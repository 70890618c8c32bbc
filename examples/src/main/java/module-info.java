/**
 * The example host and example plugins. Runs on the class path (bin/plinth) and on the module path.
 */
module dev.plinth.examples {
    requires dev.plinth.core;
    requires dev.plinth.cli;
    requires dev.plinth.metrics;
    requires micrometer.core;
    requires micrometer.registry.prometheus;
    requires jdk.httpserver;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.datatype.jsr310;
    // The example plugins' public classes implement the API's Plugin: whoever reads them needs it too.
    requires transitive dev.plinth.api;

    exports dev.plinth.examples;
    exports dev.plinth.examples.auth;
    exports dev.plinth.examples.notes;
    exports dev.plinth.examples.sessions;
    exports dev.plinth.examples.visits;

    // Notes are records stored as JSON: Jackson reflects on them.
    opens dev.plinth.examples.notes to
            com.fasterxml.jackson.databind;

// No "provides Plugin": the example plugins ship as archives in the distribution's plugins/ folder,
// each loaded in its own class loader (docs/plugins.md), not discovered on the module path.
}
