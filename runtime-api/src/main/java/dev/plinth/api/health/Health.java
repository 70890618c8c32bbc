package dev.plinth.api.health;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The health of one thing (the storage backend, one check of a plugin): a status, the reason when it is not
 * {@link HealthStatus#UP}, and a few details for an operator (never a secret: these appear on the health
 * endpoint and in logs). Immutable and thread-safe.
 *
 * @param status the status
 * @param reason why it is not UP, in a sentence an operator can act on; {@code null} when UP without remark
 * @param details small, non-secret facts (endpoint, latency, file); copied, iteration in insertion order
 */
public record Health(HealthStatus status, @Nullable String reason, Map<String, String> details) {
    private static final Health UP = new Health(HealthStatus.UP, null, Map.of());

    /**
     * @param status the status
     * @param reason why it is not UP, or {@code null}
     * @param details small, non-secret facts
     * @throws NullPointerException when {@code status} or {@code details} (or one of its keys or values) is
     *     {@code null}
     */
    public Health {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(details, "details");
        Map<String, String> copy = new LinkedHashMap<>();
        details.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "detail key"), Objects.requireNonNull(v, k)));
        details = Collections.unmodifiableMap(copy);
    }

    /** @return UP with no reason and no details */
    public static Health up() {
        return UP;
    }

    /**
     * @param reason why it is degraded
     * @return DEGRADED with that reason
     * @throws NullPointerException when {@code reason} is {@code null}
     */
    public static Health degraded(String reason) {
        return new Health(HealthStatus.DEGRADED, Objects.requireNonNull(reason, "reason"), Map.of());
    }

    /**
     * @param reason why it is down
     * @return DOWN with that reason
     * @throws NullPointerException when {@code reason} is {@code null}
     */
    public static Health down(String reason) {
        return new Health(HealthStatus.DOWN, Objects.requireNonNull(reason, "reason"), Map.of());
    }

    /**
     * @param key the detail's name
     * @param value its value (never a secret)
     * @return a copy of this with the detail added (or replaced)
     * @throws NullPointerException when {@code key} or {@code value} is {@code null}
     */
    public Health withDetail(String key, String value) {
        Map<String, String> more = new LinkedHashMap<>(details);
        more.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new Health(status, reason, more);
    }

    @Override
    public String toString() {
        return status + (reason != null ? " (" + reason + ")" : "") + (details.isEmpty() ? "" : " " + details);
    }
}
