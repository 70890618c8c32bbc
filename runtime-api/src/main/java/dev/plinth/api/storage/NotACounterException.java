package dev.plinth.api.storage;

/**
 * {@link KeyValueStore#increment} met a value that is not a counter (not the decimal text of a
 * {@code long}), or the increment would overflow a {@code long}. Nothing was changed.
 */
public class NotACounterException extends StorageException {
    private static final long serialVersionUID = 1L;
    /** The key, kept for callers that handle this exception. */
    private final String key;

    /**
     * @param key the key incremented
     * @param problem what is wrong with its value
     */
    public NotACounterException(String key, String problem) {
        super("Key " + StorageMessages.quote(key) + " cannot be incremented: " + problem);
        this.key = key;
    }

    /** @return the key incremented */
    public String key() {
        return key;
    }
}
