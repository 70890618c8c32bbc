/**
 * The storage provider SPI. A provider jar implements {@link dev.plinth.spi.storage.StorageProvider} (its
 * one entry point, found with {@link java.util.ServiceLoader}) and a namespace-aware
 * {@link dev.plinth.spi.storage.StorageBackend}. Shared helpers every provider uses live here too: the
 * glob grammar ({@link dev.plinth.spi.storage.GlobPattern}), key rules and key order
 * ({@link dev.plinth.spi.storage.KeyRules}), and typed options
 * ({@link dev.plinth.spi.storage.OptionSpec}). Prove a provider with the {@code plinth-provider-tck}
 * module.
 */
@NullMarked
package dev.plinth.spi.storage;

import org.jspecify.annotations.NullMarked;
