package dev.plinth.api.storage;

import org.jspecify.annotations.Nullable;

/**
 * A value could not be converted to or from JSON for the requested type. On a write nothing was written;
 * on a read the stored bytes are untouched.
 */
public class SerializationException extends StorageException {
    private static final long serialVersionUID = 1L;
    /** The key, kept for callers that handle this exception. */
    private final String key;

    /**
     * @param key the key read or written
     * @param message what could not be converted, naming the type
     * @param cause the mapper's exception
     */
    public SerializationException(String key, String message, @Nullable Throwable cause) {
        super("Key " + StorageMessages.quote(key) + ": " + message, cause);
        this.key = key;
    }

    /** @return the key read or written */
    public String key() {
        return key;
    }
}
