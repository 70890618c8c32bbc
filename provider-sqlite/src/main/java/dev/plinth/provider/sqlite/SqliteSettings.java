package dev.plinth.provider.sqlite;

import dev.plinth.spi.storage.CommonOptions;
import dev.plinth.spi.storage.ProviderConfig;
import java.nio.file.Path;
import java.time.Duration;

/** The typed option values a backend is opened with. */
record SqliteSettings(Path path, boolean wal, SqliteOptions.Durability durability, Duration busyTimeout,
        int readPoolSize, long maxKeys, Duration sweepInterval, Duration eventPollInterval, boolean exclusive,
        SqliteOptions.CheckAtOpen checkAtOpen) {

    static SqliteSettings from(ProviderConfig config) {
        return new SqliteSettings(config.get(SqliteOptions.PATH), config.get(SqliteOptions.WAL),
                config.get(SqliteOptions.DURABILITY), config.get(SqliteOptions.BUSY_TIMEOUT),
                config.get(SqliteOptions.READ_POOL_SIZE), config.get(CommonOptions.MAX_KEYS),
                config.get(CommonOptions.SWEEP_INTERVAL), config.get(SqliteOptions.EVENT_POLL_INTERVAL),
                config.get(SqliteOptions.EXCLUSIVE), config.get(SqliteOptions.CHECK_AT_OPEN));
    }

    /** @return the busy timeout in milliseconds, capped to what SQLite accepts */
    int busyTimeoutMillis() {
        long ms = busyTimeout.toMillis();
        return ms > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) ms;
    }
}
