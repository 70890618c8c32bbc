package dev.plinth.examples.sessions;

import java.time.Duration;

/**
 * A service the sessions plugin publishes for other plugins: revoked tokens are remembered until they
 * would have expired anyway, then forgotten. Thread-safe.
 */
public interface TokenRevocation {

    /**
     * @param token the token to revoke
     * @param remainingLifetime how long the token would still have been valid
     */
    void revoke(String token, Duration remainingLifetime);

    /**
     * @param token a token
     * @return {@code true} when it was revoked and has not yet run out
     */
    boolean isRevoked(String token);
}
