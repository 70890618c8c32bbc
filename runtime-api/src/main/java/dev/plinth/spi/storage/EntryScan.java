package dev.plinth.spi.storage;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Optional part: a namespace's live entries (value, version, absolute expiry) page by page in key order, for
 * bulk work such as export and migration. Without it the runtime lists a page of keys with
 * {@link StorageBackend#list} and reads them with {@link StorageBackend#read}: two round trips per page
 * instead of one. A page need not be a snapshot of the whole namespace; each page is read at one moment.
 */
public interface EntryScan {

    /**
     * Reads up to {@code limit} live entries whose keys are strictly after {@code afterKey}, in UTF-8 byte
     * order ({@link KeyRules#UTF8_ORDER}).
     *
     * @param ns the namespace
     * @param afterKey only keys strictly greater than this; {@code null} starts at the first
     * @param limit the most entries to return, at least 1
     * @return up to {@code limit} entries in key order; fewer than {@code limit} means there are no more
     * @throws dev.plinth.api.storage.BackendUnavailableException when the backend cannot be reached
     * @throws dev.plinth.api.storage.StoreClosedException after {@link StorageBackend#close()}
     */
    List<BackendEntry> scan(Namespace ns, @Nullable String afterKey, int limit);
}
