package dev.plinth.spi.storage;

import java.util.List;

/**
 * Optional part: writes a batch of new keys into a namespace that holds none of them, as a migration into an
 * empty target does, at less cost than a {@link StorageBackend#commit}. The caller promises that no key of the
 * batch is live in the namespace and that no key appears twice; the backend may then skip reading what is
 * there (presence, old versions, expired leftovers) and may leave out change events, since nothing uses the
 * target yet. Without this part the runtime writes each batch as one ordinary {@link StorageBackend#commit} of
 * puts, which is always correct.
 *
 * <p>A batch may be applied partly when the call fails (the backend could not be reached midway): callers that
 * need all or nothing start the namespace again from empty, as a rerun of a migration does. A backend with a
 * key quota either enforces it here or commits instead.
 */
public interface BulkLoad {

    /**
     * Writes every put of {@code puts}, each with its own time to live (never {@link Write#KEEP_EXPIRY}), each
     * with a new version.
     *
     * @param ns the namespace
     * @param puts distinct keys, none of them live in {@code ns}; not empty
     * @throws dev.plinth.api.storage.InvalidArgumentException for a time to live the contract does not allow
     * @throws dev.plinth.api.storage.QuotaExceededException when a quota the backend enforces here is full
     * @throws dev.plinth.api.storage.BackendUnavailableException when the backend cannot be reached
     * @throws dev.plinth.api.storage.StoreClosedException after {@link StorageBackend#close()}
     */
    void loadNew(Namespace ns, List<Write.Put> puts);
}
