/**
 * The example host's operator endpoints: {@link dev.plinth.examples.ops.OperationsEndpoint} serves
 * {@code /health} and {@code /metrics} on a loopback port, a thin layer over {@code PlinthRuntime.health()}
 * and a Micrometer Prometheus registry.
 */
package dev.plinth.examples.ops;
