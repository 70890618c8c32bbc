package dev.plinth.api.storage;

import dev.plinth.api.PlinthException;
import org.jspecify.annotations.Nullable;

/**
 * The root of every storage failure. A backend failure is always an exception of this family, never an
 * empty result: an empty {@link java.util.Optional} means the key is absent, nothing else.
 *
 * <p>When a write throws, nothing was changed and no watcher was notified, unless the exception is a
 * {@link BackendUnavailableException}, where the outcome of a write in flight may be unknown (see there).
 */
public class StorageException extends PlinthException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, naming the key or pattern
     */
    public StorageException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, naming the key or pattern
     * @param cause the backend's exception
     */
    public StorageException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }

    /**
     * @return {@code true} when the same call may succeed if retried later (the backend was unreachable);
     *     {@code false} for errors that retrying cannot fix (bad input, conflicts, quotas)
     */
    public boolean isRetryable() {
        return false;
    }
}
