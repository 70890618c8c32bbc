/**
 * Plinth's JSON-file storage provider: a folder of human-readable JSON files (an append-only journal and
 * per-namespace snapshots), one runtime at a time.
 */
module dev.plinth.provider.jsonfile {
    // transitive: the exported provider and exception types extend the API's.
    requires transitive dev.plinth.api;
    requires com.fasterxml.jackson.databind;

    // The provider class, its options and its exceptions; the store itself (.internal) stays private.
    exports dev.plinth.provider.jsonfile;

    provides dev.plinth.spi.storage.StorageProvider with
            dev.plinth.provider.jsonfile.JsonFileStorageProvider;
}
