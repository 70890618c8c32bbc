package dev.plinth.provider.redis;

import dev.plinth.api.storage.StorageException;

/**
 * Redis refused the configured credentials ({@code WRONGPASS}, {@code NOAUTH}, {@code NOPERM}). Not
 * retryable: fix {@code plinth.storage.redis.username}/{@code password}. The message names the server and
 * user, never the password.
 */
public class RedisAuthenticationException extends StorageException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was refused, naming the server
     * @param cause Jedis's exception
     */
    public RedisAuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }
}
