package dev.plinth.api.storage;

import org.jspecify.annotations.Nullable;

/**
 * A stored value could not be decoded by the runtime's value codecs (decompression, decryption at rest): it
 * was encrypted with a key that is not configured, the configured key does not open it (a wrong key), or
 * the stored bytes are damaged. The read returns no value rather than garbage; the stored data is left as
 * it is, so configuring the right key makes it readable again. Not retryable: retrying reads the same
 * bytes with the same keys.
 *
 * <p>The message names the key and, when known, the encryption key id; never key material.
 */
public class ValueCodecException extends StorageException {
    private static final long serialVersionUID = 1L;
    /** The key whose value failed, kept for callers that handle this exception. */
    private final String key;

    /**
     * @param key the key whose stored value could not be decoded
     * @param problem what is wrong (names a key id, never a key)
     * @param cause the codec's exception, may be {@code null}
     */
    public ValueCodecException(String key, String problem, @Nullable Throwable cause) {
        super("The stored value of key " + StorageMessages.quote(key) + " cannot be decoded: " + problem, cause);
        this.key = key;
    }

    /** @return the key whose stored value could not be decoded */
    public String key() {
        return key;
    }
}
