package dev.plinth.api.storage;

import java.time.Duration;

/**
 * A lock could not be acquired within the requested wait: someone else held it the whole time.
 */
public class LockTimeoutException extends StorageException {
    private static final long serialVersionUID = 1L;
    /** The key, kept for callers that handle this exception. */
    private final String key;

    /**
     * @param key the lock key
     * @param waited how long the caller waited
     */
    public LockTimeoutException(String key, Duration waited) {
        super("Lock " + StorageMessages.quote(key) + " not acquired within " + waited.toMillis()
                + " ms: held by another owner");
        this.key = key;
    }

    /** @return the lock key */
    public String key() {
        return key;
    }
}
