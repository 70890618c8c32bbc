package dev.plinth.provider.sqlite.internal;

import dev.plinth.api.storage.StorageOpenException;
import dev.plinth.provider.sqlite.DamagedDatabaseException;
import dev.plinth.spi.storage.BackendContext;
import dev.plinth.spi.storage.ProviderConfig;
import dev.plinth.spi.storage.StorageBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens a backend: checks, creates or migrates the file, opens the connections, and makes, once, every
 * choice the configuration implies, so that no call branches on it later: the change log
 * ({@link SharedChangeLog} for a shared file, {@link LocalSequence} for an exclusive one), the row writer
 * ({@link ReadingRowWriter} with a quota, else {@link SharedRowWriter} for a shared file and
 * {@link BlindRowWriter} for an exclusive one) and the
 * {@link Quota}.
 *
 * <p>Public only as the one way in from {@link dev.plinth.provider.sqlite.SqliteStorageProvider}, which lives
 * in the module's exported package; this package is not exported.
 */
public final class BackendOpener {
    private BackendOpener() {}

    /**
     * Opens a backend as {@link dev.plinth.spi.storage.StorageProvider#open} describes. A new database
     * appears at the path complete or not at all ({@link DatabaseFile#create}); an existing one is checked
     * ({@link OpenCheck}) before anything writes to it.
     *
     * @param config the validated options
     * @param context the runtime's listener, clock and scheduler (for the sweeps and the polls of other
     *     processes' changes)
     * @return the open backend, with every optional part of the SPI
     * @throws StorageOpenException naming the path when it cannot be opened, a {@link DamagedDatabaseException}
     *     when the file is empty, not a database or damaged; nothing was deleted or rewritten
     * @throws dev.plinth.api.ConfigurationException naming the option when busyTimeout is too long for SQLite
     */
    public static StorageBackend open(ProviderConfig config, BackendContext context) {
        return open(SqliteSettings.from(config), context);
    }

    static SqliteStorageBackend open(SqliteSettings settings, BackendContext context) {
        Path path = DatabaseFile.prepare(settings.path());
        int busyTimeoutMillis = settings.busyTimeoutMillis();
        ProcessLock processLock = ProcessLock.acquire(path, settings.exclusive());
        BackendState state = new BackendState("SQLite storage " + path);
        SqliteErrors errors = new SqliteErrors(path, busyTimeoutMillis, state);
        ConnectionFactory factory = new ConnectionFactory(path, settings);
        SqlConnection writeConnection = null;
        List<SqlConnection> readConnections = new ArrayList<>();
        ChangeLog changeLog = settings.exclusive() ? new LocalSequence() : new SharedChangeLog();
        Quota quota = Quota.of(settings.maxKeys());
        RowWriter rows;
        try {
            boolean checked = false;
            if (!Files.exists(path)) {
                DatabaseFile.checkNoOrphanLog(path);
                checked = DatabaseFile.create(path, factory);
            }
            if (!checked) {
                DatabaseFile.checkExisting(path);
                checked = OpenCheck.beforeWriting(path, factory, settings.checkAtOpen(), busyTimeoutMillis);
            }
            writeConnection = factory.openPlain();
            if (!checked) {
                // A hot journal: the writer's first read rolls it back, then the check runs on the result.
                OpenCheck.run(writeConnection, path, settings.checkAtOpen());
            }
            Schema.migrate(writeConnection, path);
            factory.applyJournalMode(writeConnection);
            factory.applyConnectionPragmas(writeConnection, false);
            changeLog.start(writeConnection);
            rows = rowWriter(settings, quota, writeConnection);
            for (int i = 0; i < settings.readPoolSize(); i++) {
                readConnections.add(factory.openReader());
            }
        } catch (SQLException | RuntimeException e) {
            if (writeConnection != null) {
                writeConnection.close();
            }
            readConnections.forEach(SqlConnection::close);
            processLock.close();
            if (e instanceof SQLException) {
                throw SqliteErrors.openFailure(path, busyTimeoutMillis, (SQLException) e);
            }
            if (e instanceof StorageOpenException) {
                throw (StorageOpenException) e;
            }
            // Every failure to open has the one type; this one was not foreseen, so its own text goes along.
            throw new StorageOpenException(SqliteErrors.PROVIDER, "SQLite database " + path + ": " + e, e);
        }
        Writer writer = new Writer(writeConnection, changeLog, context.changes(), context.clock(), errors, state);
        ReadPool readers = new ReadPool(readConnections, context.clock(), errors, state);
        SqliteStorageBackend backend = new SqliteStorageBackend(
                path, settings, state, writer, readers, processLock, rows, quota, context.scheduler());
        backend.startBackgroundWork();
        SqliteStorageBackend.LOG.debug(
                "Opened SQLite storage {} (wal={}, durability={}, exclusive={}, {})",
                path,
                settings.wal(),
                settings.durability(),
                settings.exclusive(),
                rows.getClass().getSimpleName());
        return backend;
    }

    /**
     * The one place where exclusivity and the quota decide how rows are written. A new key needs counting
     * under a quota, so a put reads first; without one, a put writes without reading, and only where no
     * other process reads the change order may it also skip the change-log row.
     */
    private static RowWriter rowWriter(SqliteSettings settings, Quota quota, SqlConnection writer) throws SQLException {
        if (quota != Quota.NONE) {
            return new ReadingRowWriter(quota);
        }
        if (!settings.exclusive()) {
            return new SharedRowWriter();
        }
        ExpiringNamespaces expiring = new ExpiringNamespaces();
        expiring.load(writer);
        return new BlindRowWriter(expiring);
    }
}
