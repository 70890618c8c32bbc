package dev.plinth.provider.sqlite.internal;

import dev.plinth.api.ConfigurationException;
import dev.plinth.spi.storage.CommonOptions;
import dev.plinth.spi.storage.ProviderConfig;
import java.nio.file.Path;
import java.time.Duration;

/** The typed option values a backend is opened with. */
record SqliteSettings(
        Path path,
        boolean wal,
        SqliteOptions.Durability durability,
        Duration busyTimeout,
        int readPoolSize,
        long maxKeys,
        Duration sweepInterval,
        Duration eventPollInterval,
        boolean exclusive,
        SqliteOptions.CheckAtOpen checkAtOpen) {
    /** The full configuration key of the busy timeout, as errors name it. */
    static final String BUSY_TIMEOUT_KEY = "plinth.storage.sqlite." + SqliteOptions.BUSY_TIMEOUT.name();

    /**
     * @throws ConfigurationException naming {@code plinth.storage.sqlite.busyTimeout} when it is longer than
     *     SQLite's busy timeout can be (2^31 - 1 ms, about 24.8 days): refused rather than silently shortened
     */
    static SqliteSettings from(ProviderConfig config) {
        Duration busy = config.get(SqliteOptions.BUSY_TIMEOUT);
        if (busy.toMillis() > Integer.MAX_VALUE) {
            throw new ConfigurationException(
                    BUSY_TIMEOUT_KEY,
                    BUSY_TIMEOUT_KEY + " must be at most "
                            + Integer.MAX_VALUE + " ms (about 24.8 days, the longest busy timeout SQLite takes), was "
                            + busy.toMillis() + " ms");
        }
        return new SqliteSettings(
                config.get(SqliteOptions.PATH),
                config.get(SqliteOptions.WAL),
                config.get(SqliteOptions.DURABILITY),
                config.get(SqliteOptions.BUSY_TIMEOUT),
                config.get(SqliteOptions.READ_POOL_SIZE),
                config.get(CommonOptions.MAX_KEYS),
                config.get(CommonOptions.SWEEP_INTERVAL),
                config.get(SqliteOptions.EVENT_POLL_INTERVAL),
                config.get(SqliteOptions.EXCLUSIVE),
                config.get(SqliteOptions.CHECK_AT_OPEN));
    }

    /** @return the busy timeout in milliseconds; {@link #from} refused any that does not fit an int */
    int busyTimeoutMillis() {
        return Math.toIntExact(busyTimeout.toMillis());
    }
}
