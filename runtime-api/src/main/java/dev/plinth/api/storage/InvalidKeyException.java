package dev.plinth.api.storage;

import org.jspecify.annotations.Nullable;

/**
 * A key breaks the key rules: it must be 1 to {@value KeyValueStore#MAX_KEY_BYTES} UTF-8 bytes long, and
 * contain no control character (U+0000-U+001F, U+007F-U+009F) and no unpaired surrogate. The message
 * quotes the key (shortened when long) and names the rule broken. Nothing was read or changed.
 */
public class InvalidKeyException extends StorageException {
    private static final long serialVersionUID = 1L;
    /** The key, kept for callers that handle this exception. */
    private final @Nullable String key;

    /**
     * @param key the rejected key, may be {@code null}
     * @param problem the rule it breaks
     */
    public InvalidKeyException(@Nullable String key, String problem) {
        super("Invalid key " + StorageMessages.quote(key) + ": " + problem);
        this.key = key;
    }

    /**
     * @return the rejected key, may be {@code null}
     */
    public @Nullable String key() {
        return key;
    }
}
