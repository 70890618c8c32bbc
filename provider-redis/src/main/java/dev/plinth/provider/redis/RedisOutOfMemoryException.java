package dev.plinth.provider.redis;

import dev.plinth.api.storage.StorageException;

/**
 * Redis refused a write because it reached {@code maxmemory} under the {@code noeviction} policy (an
 * {@code OOM} reply). Nothing was written. Not retryable by itself: memory must be freed or raised.
 */
public class RedisOutOfMemoryException extends StorageException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was refused, naming the server
     * @param cause Jedis's exception
     */
    public RedisOutOfMemoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
