package dev.plinth.api.storage;

import org.jspecify.annotations.Nullable;

/**
 * The backend could not be reached or did not answer in time (Redis down, database locked past the busy
 * timeout, disk unavailable). Retryable: the same store works again once the backend returns, without
 * restarting the runtime.
 *
 * <p>For a write, the outcome may be unknown when the connection broke after the request was sent; use
 * versions or idempotent writes where that matters.
 */
public class BackendUnavailableException extends StorageException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was unreachable (an address, a path; never a password)
     * @param cause the backend's exception
     */
    public BackendUnavailableException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }

    /**
     * @return always {@code true}
     */
    @Override
    public boolean isRetryable() {
        return true;
    }
}
