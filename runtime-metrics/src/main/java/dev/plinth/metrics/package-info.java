/**
 * Micrometer metrics for Plinth: {@link dev.plinth.metrics.PlinthMetrics} (the observer and the health
 * gauges) and {@link dev.plinth.metrics.MeterNames} (every meter's name and tags, as docs/operations.md lists
 * them).
 */
package dev.plinth.metrics;
