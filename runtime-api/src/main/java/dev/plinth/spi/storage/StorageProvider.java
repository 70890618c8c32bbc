package dev.plinth.spi.storage;

import java.util.List;
import java.util.Set;

/**
 * A storage provider: the one entry point a provider jar registers with {@link java.util.ServiceLoader}
 * (in {@code META-INF/services/dev.plinth.spi.storage.StorageProvider} and with {@code provides} in its
 * {@code module-info.java}).
 *
 * <p>The runtime instantiates every discovered provider to read its {@link #id()}, description,
 * capabilities and options, so the constructor and these methods must be cheap and must not connect,
 * open files or start threads. Only the chosen provider's {@link #open} does real work.
 *
 * <p>Implementations are thread-safe and stateless.
 */
public interface StorageProvider {

    /**
     * The version of this SPI. A provider returns it from {@link #spiVersion()}, where the compiler copies
     * the number into the provider's own class, so the runtime can tell a provider built for another SPI
     * and refuse it at discovery with an error naming its jar, before anything is opened.
     */
    int SPI_VERSION = 2;

    /**
     * @return the id users select with {@code plinth.storage.provider}, for example {@code sqlite};
     *     lower-case letters and digits, unique among providers
     */
    String id();

    /** @return one line saying what the provider is for, shown in diagnostics */
    String description();

    /**
     * @return {@link #SPI_VERSION} as the provider was compiled against it: implement it as
     *     {@code return SPI_VERSION;} and nothing else
     */
    int spiVersion();

    /**
     * @return what this provider can guarantee beyond the base contract, in some configuration; never
     *     {@code null}
     */
    Set<Capability> capabilities();

    /**
     * What a backend opened with {@code config} guarantees, for providers whose options trade a capability
     * for speed (for example a single-process mode without cross-process events). Must be cheap, like
     * {@link #capabilities()}: it looks at option values only, never at files or servers.
     *
     * @param config validated option values of this provider
     * @return a subset of {@link #capabilities()}; never {@code null}. The default returns
     *     {@link #capabilities()}: the provider's guarantees do not depend on its options
     * @throws NullPointerException when {@code config} is {@code null}
     */
    default Set<Capability> capabilities(ProviderConfig config) {
        java.util.Objects.requireNonNull(config, "config");
        return capabilities();
    }

    /**
     * @return every option the provider accepts, read from {@code plinth.storage.<id>.<name>}; the runtime
     *     rejects any other option name under that prefix, with a suggestion
     */
    List<OptionSpec<?>> options();

    /**
     * Opens the backend: connects, creates or migrates files. Called once per runtime.
     *
     * @param config validated option values (defaults filled in)
     * @param context where to report changes (with {@link ChangeFeed}), the clock and the scheduler
     * @return the open backend, ready for use; it implements {@link StorageBackend} and whichever optional
     *     parts the provider offers
     * @throws dev.plinth.api.storage.StorageOpenException when it cannot open: the message names the file,
     *     address or option at fault (never a password), the cause is the backend's error, and it is
     *     retryable when the backend was unreachable or busy
     * @throws dev.plinth.api.ConfigurationException when an option value is unusable (naming the key)
     */
    StorageBackend open(ProviderConfig config, BackendContext context);
}
