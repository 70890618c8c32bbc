/**
 * The storage layer of the runtime: {@link dev.plinth.core.storage.StorageEngine} opens the chosen
 * provider's backend and hands out scoped stores; around the backend it validates input, encodes values
 * as JSON, delivers watch events and renews lock leases.
 */
package dev.plinth.core.storage;
