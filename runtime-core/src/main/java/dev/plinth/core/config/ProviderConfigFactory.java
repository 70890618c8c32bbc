package dev.plinth.core.config;

import dev.plinth.api.ConfigurationException;
import dev.plinth.spi.storage.OptionSpec;
import dev.plinth.spi.storage.ProviderConfig;
import dev.plinth.spi.storage.StorageProvider;
import java.util.List;
import java.util.Optional;

/**
 * Turns the section {@code plinth.storage.<id>.*} into the provider's {@link ProviderConfig}, parsing each
 * value with its {@link OptionSpec}. Unknown option names are {@link ConfigValidator}'s job. Values of
 * secret options are passed untrimmed and never appear in an exception, not even as a cause.
 */
public final class ProviderConfigFactory {
    private ProviderConfigFactory() {}

    /**
     * @param provider the selected provider
     * @param options its declared options (as read once from {@link StorageProvider#options()})
     * @param config the effective configuration
     * @return the validated configuration, defaults filled in
     * @throws ConfigurationException naming the key when a value is invalid or a required one is missing
     */
    public static ProviderConfig create(StorageProvider provider, List<OptionSpec<?>> options, EffectiveConfig config) {
        ProviderConfig.Builder b = ProviderConfig.builder(provider);
        for (OptionSpec<?> spec : options) {
            String key = ConfigKeys.providerOption(provider.id(), spec.name());
            Optional<String> raw = spec.secret() ? config.raw(key) : config.get(key);
            if (raw.isEmpty()) {
                if (spec.required()) {
                    throw new ConfigurationException(
                            key,
                            "Missing required configuration key " + key + " (storage provider '" + provider.id()
                                    + "'): " + spec.description());
                }
                continue;
            }
            try {
                b.set(spec.name(), raw.get());
            } catch (IllegalArgumentException e) {
                if (spec.secret()) {
                    throw new ConfigurationException(
                            key,
                            "Invalid value for " + key + " (from " + config.origin(key)
                                    + "): invalid value (not shown: secret)");
                }
                throw ConfigValues.invalid(key, config.origin(key), e.getMessage(), e);
            }
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(
                    null,
                    "Storage provider '" + provider.id() + "' rejected its " + "configuration: " + e.getMessage(),
                    e);
        }
    }
}
