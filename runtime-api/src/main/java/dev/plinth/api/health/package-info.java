/**
 * Health as plugins and storage providers report it: a {@link dev.plinth.api.health.HealthStatus}, a
 * {@link dev.plinth.api.health.Health} value with its reason, and the {@link dev.plinth.api.health.HealthCheck}
 * a plugin registers through {@link dev.plinth.api.plugin.PluginContext#registerHealthCheck}. The runtime
 * combines them into its report ({@code PlinthRuntime.health()} in runtime-core).
 */
@NullMarked
package dev.plinth.api.health;

import org.jspecify.annotations.NullMarked;
