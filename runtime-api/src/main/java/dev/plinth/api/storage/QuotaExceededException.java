package dev.plinth.api.storage;

/**
 * A write would create a new key in a namespace that already holds its {@code maxKeys} live keys. Overwriting
 * an existing key is always allowed; expired keys do not count. Nothing was written (for a batch or a
 * transaction: none of it).
 */
public class QuotaExceededException extends StorageException {
    private static final long serialVersionUID = 1L;
    /** The namespace, kept for callers that handle this exception. */
    private final String namespace;
    /** The key, kept for callers that handle this exception. */
    private final String key;
    /** The max keys, kept for callers that handle this exception. */
    private final long maxKeys;

    /**
     * @param namespace the namespace that is full
     * @param key the new key that did not fit
     * @param maxKeys the configured limit
     */
    public QuotaExceededException(String namespace, String key, long maxKeys) {
        super("Scope '" + namespace + "' is full: it holds its limit of " + maxKeys + " keys (maxKeys), so new key "
                + StorageMessages.quote(key) + " was not written");
        this.namespace = namespace;
        this.key = key;
        this.maxKeys = maxKeys;
    }

    /** @return the namespace that is full */
    public String namespace() {
        return namespace;
    }

    /** @return the new key that did not fit */
    public String key() {
        return key;
    }

    /** @return the configured limit */
    public long maxKeys() {
        return maxKeys;
    }
}
