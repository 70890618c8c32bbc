package dev.plinth.api.health;

/**
 * How healthy something is, from best to worst. The order of the constants is their severity:
 * {@link #worse(HealthStatus)} picks the later one.
 */
public enum HealthStatus {
    /** Working as intended. */
    UP,
    /** Working, but something it relies on is not (a plugin failed, a plugin's own check is down). */
    DEGRADED,
    /** Not working: callers should expect failures. */
    DOWN;

    /**
     * @param other another status
     * @return the more severe of this and {@code other}
     */
    public HealthStatus worse(HealthStatus other) {
        return other.compareTo(this) > 0 ? other : this;
    }
}
