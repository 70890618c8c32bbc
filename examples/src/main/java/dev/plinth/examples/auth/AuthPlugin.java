package dev.plinth.examples.auth;

import dev.plinth.api.plugin.Plugin;
import dev.plinth.api.plugin.PluginContext;
import dev.plinth.examples.sessions.TokenRevocation;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;

/**
 * Depends on {@code sessions} and uses the {@link TokenRevocation} service it publishes: issues a token,
 * revokes it, and checks the revocation, the way an auth plugin rejects logged-out tokens.
 */
public final class AuthPlugin implements Plugin {
    private TokenRevocation revocation;
    private Logger log;
    private Duration tokenLifetime;

    @Override
    public String id() {
        return "auth";
    }

    @Override
    public Set<String> requiredDependencies() {
        return Set.of("sessions");
    }

    @Override
    public void init(PluginContext context) {
        this.revocation = context.services().require(TokenRevocation.class);
        this.log = context.logger();
        this.tokenLifetime = context.config().getDuration("tokenLifetime", Duration.ofMinutes(15));
    }

    @Override
    public void start() {
        String token = UUID.randomUUID().toString();
        boolean before = revocation.isRevoked(token);
        revocation.revoke(token, tokenLifetime);
        boolean after = revocation.isRevoked(token);
        log.info("auth: token revoked before logout={}, after logout={} (kept for {})", before, after, tokenLifetime);
        if (before || !after) {
            throw new IllegalStateException("token revocation does not work: before=" + before + " after=" + after);
        }
    }

    /**
     * @param token a token presented by a client
     * @return {@code true} when the token may be used
     */
    public boolean accepts(String token) {
        return !revocation.isRevoked(token);
    }
}
