/**
 * Micrometer metrics for a Plinth runtime. A host passes {@code PlinthMetrics.observer(registry)} to
 * {@code PlinthRuntime.Builder.observer} and, once started, binds the health and storage gauges with that
 * observer's {@code bind(runtime)}. Optional: runtime-core does not depend on it or on Micrometer.
 */
// micrometer-core is an automatic module (it has no module-info); its MeterRegistry is in this API, so
// hosts must read it too.
@SuppressWarnings("requires-transitive-automatic")
module dev.plinth.metrics {
    requires transitive dev.plinth.core;
    requires transitive micrometer.core;

    exports dev.plinth.metrics;
}
