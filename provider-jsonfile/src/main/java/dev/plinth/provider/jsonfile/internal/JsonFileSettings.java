package dev.plinth.provider.jsonfile.internal;

import dev.plinth.provider.jsonfile.JsonFileStorageProvider;
import dev.plinth.provider.jsonfile.JsonFileStorageProvider.Durability;
import dev.plinth.spi.storage.CommonOptions;
import dev.plinth.spi.storage.ProviderConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The validated options of one open backend.
 *
 * @param directory the data folder
 * @param durability when writes are fsynced
 * @param flushInterval the batched fsync period
 * @param compactionThreshold journal bytes that trigger compaction
 * @param maxKeys live keys per namespace, 0 = unlimited
 * @param sweepInterval how often expired keys are reclaimed (the runtime purges lapsed locks as often)
 */
record JsonFileSettings(
        Path directory,
        Durability durability,
        Duration flushInterval,
        long compactionThreshold,
        long maxKeys,
        Duration sweepInterval) {

    JsonFileSettings {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(flushInterval, "flushInterval");
        Objects.requireNonNull(sweepInterval, "sweepInterval");
    }

    static JsonFileSettings from(ProviderConfig config) {
        return new JsonFileSettings(
                config.get(JsonFileStorageProvider.DIRECTORY),
                config.get(JsonFileStorageProvider.DURABILITY),
                config.get(JsonFileStorageProvider.FLUSH_INTERVAL),
                config.get(JsonFileStorageProvider.COMPACTION_THRESHOLD),
                config.get(CommonOptions.MAX_KEYS),
                config.get(CommonOptions.SWEEP_INTERVAL));
    }
}
