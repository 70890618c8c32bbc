/**
 * Plinth's public API root: the unchecked exception hierarchy shared by the runtime and the storage
 * contract. Plugins live in {@link dev.plinth.api.plugin}, the store they use in
 * {@link dev.plinth.api.storage}, and storage providers implement {@link dev.plinth.spi.storage}.
 */
@NullMarked
package dev.plinth.api;

import org.jspecify.annotations.NullMarked;
