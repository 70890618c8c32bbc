/**
 * How the runtime finds out whether it is healthy: {@link dev.plinth.core.monitor.HealthMonitor} (the
 * cached, bounded report, one probe of each part in flight at most, an INFO line per change of status),
 * {@link dev.plinth.core.monitor.BoundedProbe} (one check on a thread of its own, bounded),
 * {@link dev.plinth.core.monitor.StorageProbes} (the backend's {@code HealthProbe} or the runtime's default)
 * and {@link dev.plinth.core.monitor.PluginChecks} (what a plugin registered through its context). Not
 * exported: hosts see {@code dev.plinth.core.health}.
 */
package dev.plinth.core.monitor;
