package dev.plinth.api.storage;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A storage provider could not open its backend: a damaged or missing data file, a folder that cannot be
 * written, a server that cannot be reached, an option the backend refused. The message names the provider
 * and the file, host or option at fault (never a password); the cause is the backend's own error.
 *
 * <p>Retryable exactly when the cause is (a Redis server that is down, a database locked by another
 * process): opening again later may succeed. A damaged file is not retryable; nothing was deleted or
 * rewritten, so it can be inspected or restored from a backup.
 */
public class StorageOpenException extends StorageException {
    private static final long serialVersionUID = 1L;
    /** The provider id, kept for callers that handle this exception. */
    private final String provider;
    /** Whether opening again may succeed, fixed when thrown. */
    private final boolean retryable;

    /**
     * @param provider the id of the provider that failed to open
     * @param problem what failed, naming the file, host or option
     * @param cause the backend's exception, may be {@code null}; its {@link StorageException#isRetryable()}
     *     decides this exception's
     */
    public StorageOpenException(String provider, String problem, @Nullable Throwable cause) {
        this(provider, problem, cause, cause instanceof StorageException && ((StorageException) cause).isRetryable());
    }

    /**
     * @param provider the id of the provider that failed to open
     * @param problem what failed, naming the file, host or option
     * @param cause the backend's exception, may be {@code null}
     * @param retryable whether opening again later may succeed
     */
    public StorageOpenException(String provider, String problem, @Nullable Throwable cause, boolean retryable) {
        super(
                "Storage provider '" + Objects.requireNonNull(provider, "provider") + "' could not open: " + problem,
                cause);
        this.provider = provider;
        this.retryable = retryable;
    }

    /** @return the id of the provider that failed to open */
    public String provider() {
        return provider;
    }

    /** @return whether opening again later may succeed (the backend was unreachable or busy) */
    @Override
    public boolean isRetryable() {
        return retryable;
    }
}
