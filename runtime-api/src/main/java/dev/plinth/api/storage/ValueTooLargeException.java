package dev.plinth.api.storage;

/**
 * A value is larger than the configured limit ({@code plinth.storage.maxValueBytes}, 16 MiB by default).
 * Nothing was written.
 */
public class ValueTooLargeException extends StorageException {
    private static final long serialVersionUID = 1L;
    /** The key, kept for callers that handle this exception. */
    private final String key;
    /** The size, kept for callers that handle this exception. */
    private final long size;
    /** The limit, kept for callers that handle this exception. */
    private final long limit;

    /**
     * @param key the key written
     * @param size the value's size in bytes
     * @param limit the configured limit in bytes
     */
    public ValueTooLargeException(String key, long size, long limit) {
        super("Value for key " + StorageMessages.quote(key) + " is " + size + " bytes, over the limit of " + limit
                + " bytes (plinth.storage.maxValueBytes)");
        this.key = key;
        this.size = size;
        this.limit = limit;
    }

    /** @return the key written */
    public String key() {
        return key;
    }

    /** @return the value's size in bytes */
    public long size() {
        return size;
    }

    /** @return the limit in bytes */
    public long limit() {
        return limit;
    }
}
