package dev.plinth.api;

import org.jspecify.annotations.Nullable;

/**
 * The root of every exception Plinth throws on purpose. It is unchecked: callers catch the specific
 * subclass they can act on ({@link dev.plinth.api.storage.StorageException} and its subclasses,
 * {@link ConfigurationException}, {@link dev.plinth.api.plugin.PluginLifecycleException}, ...) or let it
 * propagate.
 *
 * <p>Messages name the thing at fault (the key, the option, the plugin) and never contain secrets.
 */
public class PlinthException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, naming the key, option or plugin at fault
     */
    public PlinthException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, naming the key, option or plugin at fault
     * @param cause the underlying failure, may be {@code null}
     */
    public PlinthException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
