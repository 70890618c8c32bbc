/**
 * The SQLite storage provider: durable, embedded storage in one database file, shared safely by several
 * processes on one machine.
 */
module dev.plinth.provider.sqlite {
    requires dev.plinth.api;
    requires java.sql;
    requires org.xerial.sqlitejdbc;

    exports dev.plinth.provider.sqlite;

    provides dev.plinth.spi.storage.StorageProvider with dev.plinth.provider.sqlite.SqliteStorageProvider;
}
