package dev.plinth.provider.redis;

import dev.plinth.api.storage.StorageException;

/**
 * Redis refused the configured credentials ({@code WRONGPASS}, {@code NOAUTH}, {@code NOPERM}) on a call
 * after open, for example after the ACL user was disabled. Not retryable: fix the ACL or
 * {@code plinth.storage.redis.username}/{@code password} and reopen. The message names the server and
 * user, never the password. Refused credentials at open are a non-retryable
 * {@link dev.plinth.api.storage.StorageOpenException}, like every other failure to open.
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
