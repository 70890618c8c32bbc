package dev.plinth.examples.sessions;

import dev.plinth.api.plugin.Plugin;
import dev.plinth.api.plugin.PluginContext;
import dev.plinth.api.storage.KeyValueStore;
import java.time.Duration;

/**
 * Publishes {@link TokenRevocation}, keeping each revoked token with a TTL equal to its remaining
 * lifetime, so the revocation list cleans itself up.
 */
public final class SessionsPlugin implements Plugin, TokenRevocation {
    private KeyValueStore revoked;

    @Override
    public String id() {
        return "sessions";
    }

    @Override
    public String version() {
        return "1.0.0";
    }

    @Override
    public void init(PluginContext context) {
        this.revoked = context.storage().namespace("revoked");
        context.services().publish(TokenRevocation.class, this);
    }

    @Override
    public void revoke(String token, Duration remainingLifetime) {
        revoked.setString(token, "revoked", remainingLifetime);
    }

    @Override
    public boolean isRevoked(String token) {
        return revoked.exists(token);
    }
}
