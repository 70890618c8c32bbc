package dev.plinth.core.storage;

import dev.plinth.api.storage.StorageOpenException;
import dev.plinth.spi.storage.StorageProvider;

/**
 * The SPI handshake: a provider's {@link StorageProvider#spiVersion()} returns the {@code SPI_VERSION} it
 * was compiled against (the compiler copies the constant into the provider's class), so a jar built for
 * another SPI is refused before it opens anything, with an error naming its jar, instead of failing later
 * with an {@code AbstractMethodError} in the middle of a write.
 */
public final class SpiVersion {
    private SpiVersion() {}

    /**
     * @param provider a provider
     * @return {@code null} when it speaks this runtime's SPI, else why not (naming its class and jar)
     */
    public static String problem(StorageProvider provider) {
        int version;
        try {
            version = provider.spiVersion();
        } catch (AbstractMethodError e) {
            return describe(provider) + " was built for an older Plinth storage SPI (before version 2, it has no"
                    + " spiVersion()); this runtime speaks version " + StorageProvider.SPI_VERSION
                    + ". Use a release of the provider built for this Plinth version.";
        }
        if (version != StorageProvider.SPI_VERSION) {
            return describe(provider) + " was built for Plinth storage SPI version " + version
                    + "; this runtime speaks version " + StorageProvider.SPI_VERSION
                    + ". Use a release of the provider built for this Plinth version.";
        }
        return null;
    }

    /**
     * @param provider a provider
     * @throws StorageOpenException when it was built for another SPI version
     */
    public static void check(StorageProvider provider) {
        String problem = problem(provider);
        if (problem != null) {
            throw new StorageOpenException(provider.id(), problem, null, false);
        }
    }

    private static String describe(StorageProvider provider) {
        Class<?> type = provider.getClass();
        return "Storage provider '" + provider.id() + "' (" + type.getName() + " from "
                + dev.plinth.core.discovery.CodeSources.location(type) + ")";
    }
}
