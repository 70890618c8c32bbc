package dev.plinth.api.health;

/**
 * A check a plugin registers under a name (see
 * {@link dev.plinth.api.plugin.PluginContext#registerHealthCheck}): is what this plugin depends on (its
 * upstream service, its queue, its cache) usable?
 *
 * <p>The runtime calls it at most once at a time, on a thread of its own, only while the plugin is started
 * and only when a health report is asked for and the cached one is older than {@code plinth.health.cacheTtl}.
 * A check that throws is DOWN with the exception as its reason; one that does not return within
 * {@code plinth.health.timeout} is DOWN ("did not answer within ...") and is not called again until that
 * call returns. So a check should be quick and may block only on something with its own timeout.
 */
@FunctionalInterface
public interface HealthCheck {

    /**
     * @return the health of what this check watches; {@code null} counts as DOWN
     * @throws Exception when the check itself fails: the runtime reports DOWN with the exception as reason
     */
    Health check() throws Exception;
}
