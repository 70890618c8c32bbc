/**
 * The {@code sqlite} storage provider ({@link dev.plinth.provider.sqlite.SqliteStorageProvider}): durable,
 * embedded storage in one SQLite database file that several processes on one machine may share, and the one
 * exception a user may meet from it beyond the storage API's own,
 * {@link dev.plinth.provider.sqlite.DamagedDatabaseException}. The implementation lives in a package this
 * module does not export.
 */
package dev.plinth.provider.sqlite;
