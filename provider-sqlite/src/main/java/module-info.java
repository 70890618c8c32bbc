/**
 * The SQLite storage provider: durable, embedded storage in one database file, shared safely by several
 * processes on one machine.
 */
module dev.plinth.provider.sqlite {
    // Transitive: the exported package's signatures (StorageProvider, StorageOpenException) are the API's types.
    requires transitive dev.plinth.api;
    requires java.sql;
    requires org.xerial.sqlitejdbc;

    // The provider class and DamagedDatabaseException only; dev.plinth.provider.sqlite.internal stays closed.
    exports dev.plinth.provider.sqlite;

    provides dev.plinth.spi.storage.StorageProvider with
            dev.plinth.provider.sqlite.SqliteStorageProvider;
}
