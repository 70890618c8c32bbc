package dev.plinth.spi.storage;

import java.util.SortedMap;

/**
 * Optional part: which namespaces hold data. The required core addresses one namespace at a time and has no
 * way to name the others, so without this part operator tools (the runtime's {@code StorageAdmin}, the
 * {@code plinth} command) cannot list scopes, export or migrate "everything"; they then ask the operator to
 * name the scopes. Every shipped provider implements it.
 */
public interface NamespaceListing {

    /**
     * Lists every namespace holding at least one live key, with how many it holds. The counts are each a
     * snapshot of their own namespace (not one snapshot of all), like {@link NativePatterns#count}.
     *
     * @return namespace to live key count (at least 1), ordered by {@link Namespace}; never {@code null}
     * @throws dev.plinth.api.storage.BackendUnavailableException when the backend cannot be reached
     * @throws dev.plinth.api.storage.StoreClosedException after {@link StorageBackend#close()}
     */
    SortedMap<Namespace, Long> namespaces();
}
