/**
 * The runtime's health report, as {@code PlinthRuntime.health()} returns it: {@link
 * dev.plinth.core.health.HealthReport} (overall status, readiness, liveness, storage) and one
 * {@link dev.plinth.core.health.PluginHealth} per plugin. Immutable values; how they are computed lives in
 * the runtime's unexported monitor package.
 */
package dev.plinth.core.health;
