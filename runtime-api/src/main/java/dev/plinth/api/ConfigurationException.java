package dev.plinth.api;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A configuration value is missing, unknown or invalid, or the configured storage provider cannot be
 * selected. Thrown when the runtime starts, before any plugin runs.
 *
 * <p>The message names the offending key (for example {@code plinth.storage.sqlite.busyTimeout}) and,
 * for an unknown key, suggests the nearest known one. Secret values never appear in it.
 */
public class ConfigurationException extends PlinthException {
    private static final long serialVersionUID = 1L;
    /** The key, kept for callers that handle this exception. */
    private final @Nullable String key;

    /**
     * @param key the configuration key at fault, or {@code null} when the problem is not one key
     * @param message what is wrong and how to fix it
     */
    public ConfigurationException(@Nullable String key, String message) {
        super(message);
        this.key = key;
    }

    /**
     * @param key the configuration key at fault, or {@code null} when the problem is not one key
     * @param message what is wrong and how to fix it
     * @param cause the underlying failure
     */
    public ConfigurationException(@Nullable String key, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.key = key;
    }

    /**
     * @return the configuration key at fault, if the problem is about one key
     */
    public Optional<String> key() {
        return Optional.ofNullable(key);
    }
}
