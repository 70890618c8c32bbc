package dev.plinth.core.discovery;

import dev.plinth.spi.storage.OptionSpec;
import dev.plinth.spi.storage.StorageProvider;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A discovered storage provider, described without being opened.
 *
 * @param id its id
 * @param description its one-line description
 * @param location the jar or directory its class came from
 * @param provider the instance (constructed only to describe it; opened only if selected)
 * @param options its options, read once
 */
public record ProviderCandidate(
        String id, String description, String location, StorageProvider provider, List<OptionSpec<?>> options) {

    /**
     * @param provider an instance
     * @return its description, location taken from its class
     */
    public static ProviderCandidate describe(StorageProvider provider) {
        return new ProviderCandidate(
                provider.id(),
                provider.description(),
                CodeSources.location(provider.getClass()),
                provider,
                List.copyOf(provider.options()));
    }

    /** @return the option names, in declaration order */
    public List<String> optionNames() {
        return options.stream().map(OptionSpec::name).collect(Collectors.toList());
    }

    /** @return {@code id (location)} */
    public String label() {
        return id + " (" + location + ")";
    }
}
