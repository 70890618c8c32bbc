package dev.plinth.spi.storage;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The validated option values for one provider, defaults filled in. Immutable and thread-safe. Built by
 * the runtime from configuration (or by tests with {@link #builder(StorageProvider)}).
 */
public final class ProviderConfig {
    private final String providerId;
    private final Map<String, Object> values;

    private ProviderConfig(String providerId, Map<String, Object> values) {
        this.providerId = providerId;
        this.values = Collections.unmodifiableMap(values);
    }

    /**
     * @param option one of the provider's declared options
     * @param <T> the option's type
     * @return its value, or its default when not configured (may be {@code null} for an optional option
     *     without a default)
     * @throws IllegalArgumentException when {@code option} is not one of the provider's options
     */
    public <T> @Nullable T get(OptionSpec<T> option) {
        if (!values.containsKey(option.name())) {
            throw new IllegalArgumentException(
                    "Option '" + option.name() + "' is not an option of provider '" + providerId + "'");
        }
        return option.type().cast(values.get(option.name()));
    }

    /** @return the provider this configuration belongs to */
    public String providerId() {
        return providerId;
    }

    /**
     * Shows the provider id and option names, never values, so it is safe to log whatever the options
     * hold.
     *
     * @return a log-safe description
     */
    @Override
    public String toString() {
        return "ProviderConfig[" + providerId + " " + values.keySet() + "]";
    }

    /**
     * @param provider the provider whose options to fill
     * @return a builder with every declared option at its default
     */
    public static Builder builder(StorageProvider provider) {
        return new Builder(provider);
    }

    /** Builds a {@link ProviderConfig}; validates each raw value with its {@link OptionSpec}. */
    public static final class Builder {
        private final StorageProvider provider;
        private final Map<String, OptionSpec<?>> specs = new LinkedHashMap<>();
        private final Map<String, Object> values = new LinkedHashMap<>();

        private Builder(StorageProvider provider) {
            this.provider = Objects.requireNonNull(provider, "provider");
            for (OptionSpec<?> spec : provider.options()) {
                specs.put(spec.name(), spec);
                values.put(spec.name(), spec.defaultValue());
            }
        }

        /**
         * @param name the option name, without the {@code plinth.storage.<id>.} prefix
         * @param raw the raw text value
         * @return this
         * @throws IllegalArgumentException when the option is unknown or the value invalid; the message
         *     names the option and never shows a secret value
         */
        public Builder set(String name, String raw) {
            OptionSpec<?> spec = specs.get(name);
            if (spec == null) {
                throw new IllegalArgumentException("Unknown option '" + name + "' for provider '" + provider.id()
                        + "'; known options: " + specs.keySet());
            }
            values.put(name, spec.parse(raw));
            return this;
        }

        /**
         * @param option the option
         * @param value the typed value
         * @param <T> the type
         * @return this
         */
        public <T> Builder set(OptionSpec<T> option, T value) {
            if (!specs.containsKey(option.name())) {
                throw new IllegalArgumentException(
                        "Unknown option '" + option.name() + "' for provider '" + provider.id() + "'");
            }
            values.put(option.name(), value);
            return this;
        }

        /**
         * @return the configuration
         * @throws IllegalArgumentException when a required option (no default) is missing
         */
        public ProviderConfig build() {
            for (OptionSpec<?> spec : specs.values()) {
                if (spec.required() && values.get(spec.name()) == null) {
                    throw new IllegalArgumentException("Option '" + spec.name() + "' of provider '" + provider.id()
                            + "' is required: " + spec.description());
                }
            }
            return new ProviderConfig(provider.id(), new LinkedHashMap<>(values));
        }
    }
}
