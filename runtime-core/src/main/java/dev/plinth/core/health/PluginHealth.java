package dev.plinth.core.health;

import dev.plinth.api.health.Health;
import dev.plinth.api.health.HealthStatus;
import dev.plinth.api.plugin.PluginState;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One plugin in a {@link HealthReport}. Immutable.
 *
 * @param state its lifecycle state when the report was made
 * @param status UP when {@link PluginState#STARTED} and every check is UP; DOWN when FAILED or STOPPED;
 *     otherwise the worst of its checks (DEGRADED while it is still starting)
 * @param checks its registered checks by name, in name order; empty when it registered none or is not
 *     started (checks run only while it is)
 */
public record PluginHealth(PluginState state, HealthStatus status, Map<String, Health> checks) {
    /**
     * @throws NullPointerException when an argument is {@code null}
     */
    public PluginHealth {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(status, "status");
        checks = Collections.unmodifiableMap(new LinkedHashMap<>(checks));
    }
}
