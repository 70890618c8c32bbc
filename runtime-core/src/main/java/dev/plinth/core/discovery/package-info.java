/**
 * Finding plugins and storage providers with {@link java.util.ServiceLoader} on an explicit class loader,
 * describing where each came from, and choosing the one storage provider without ever guessing
 * ({@link dev.plinth.core.discovery.ProviderSelector}).
 */
package dev.plinth.core.discovery;
