package dev.plinth.spi.storage;

import java.util.List;

/**
 * Optional part: the backend checks its own stored data for damage, in the terms of its storage (SQLite's
 * {@code PRAGMA integrity_check}, a file's checksums, a Redis index against the keys it indexes). Read-only:
 * it reports damage and repairs nothing. Without it the runtime reports that the provider offers no check.
 */
public interface IntegrityCheck {

    /**
     * Checks the stored data. May take time in proportion to the data; other operations go on meanwhile.
     *
     * @return one line per problem found, each naming where it is (a file and line, a key, a table); empty
     *     when nothing is damaged; never {@code null}
     * @throws dev.plinth.api.storage.BackendUnavailableException when the backend cannot be reached (which
     *     says nothing about damage)
     * @throws dev.plinth.api.storage.StoreClosedException after {@link StorageBackend#close()}
     */
    List<String> checkIntegrity();
}
