package dev.plinth.core.health;

import dev.plinth.api.health.Health;
import dev.plinth.api.health.HealthStatus;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What {@code PlinthRuntime.health()} answers. Immutable and thread-safe; the same instance is returned to
 * every caller until it is older than {@code plinth.health.cacheTtl}.
 *
 * <p>Overall {@link #status()}:
 * <ul>
 *   <li>DOWN when the runtime is not running (not started, starting, or closed) or storage is DOWN;</li>
 *   <li>DEGRADED when storage is DEGRADED or some plugin is not UP (it failed, or one of its checks is not
 *       UP): the runtime serves, but not everything in it does;</li>
 *   <li>UP otherwise.</li>
 * </ul>
 *
 * @param status the overall status, as above
 * @param ready readiness: the runtime is running and storage is not DOWN, so it can take work
 * @param live liveness: the runtime is not closed and not stuck (no storage probe has been running for
 *     longer than three health timeouts, which only a backend ignoring its own timeouts does); a process
 *     that is not live should be restarted, one that is not ready only waited for
 * @param storageProvider the storage provider's id, {@code null} before start
 * @param storage the storage backend's health from its probe
 * @param plugins each enabled plugin's health, in start order
 * @param checkedAt when this report was made
 */
public record HealthReport(
        HealthStatus status,
        boolean ready,
        boolean live,
        @Nullable String storageProvider,
        Health storage,
        Map<String, PluginHealth> plugins,
        Instant checkedAt) {
    /**
     * @throws NullPointerException when an argument other than {@code storageProvider} is {@code null}
     */
    public HealthReport {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(checkedAt, "checkedAt");
        plugins = Collections.unmodifiableMap(new LinkedHashMap<>(plugins));
    }

    /**
     * @param pluginId a plugin id
     * @return that plugin's health, empty when it is not an enabled plugin of the runtime
     */
    public Optional<PluginHealth> plugin(String pluginId) {
        return Optional.ofNullable(plugins.get(pluginId));
    }

    /** @return one line for a log: the status and every part that is not UP, with its reason */
    public String summary() {
        StringBuilder b = new StringBuilder(status.name());
        if (storage.status() != HealthStatus.UP) {
            b.append("; storage ").append(storage);
        }
        plugins.forEach((id, p) -> {
            if (p.status() != HealthStatus.UP) {
                b.append("; plugin '").append(id).append("' ").append(p.state());
                p.checks().forEach((name, h) -> {
                    if (h.status() != HealthStatus.UP) {
                        b.append(", check '").append(name).append("' ").append(h);
                    }
                });
            }
        });
        return b.toString();
    }
}
