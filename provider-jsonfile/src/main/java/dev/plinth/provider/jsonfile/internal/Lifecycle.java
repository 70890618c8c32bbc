package dev.plinth.provider.jsonfile.internal;

import dev.plinth.api.storage.StoreClosedException;

/**
 * Whether the store is open. Closed only under the write lock, so a writer holding it that found the
 * store open finishes its write before close goes on; readers check without a lock. Thread-safe.
 */
final class Lifecycle {
    private final String name;
    private volatile boolean closed;

    /** @param name the store's name in {@link StoreClosedException}s, naming its folder */
    Lifecycle(String name) {
        this.name = name;
    }

    /** @throws StoreClosedException once closed */
    void checkOpen() {
        if (closed) {
            throw new StoreClosedException(name);
        }
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * Under the write lock.
     *
     * @return {@code false} when it was closed already
     */
    boolean close() {
        if (closed) {
            return false;
        }
        closed = true;
        return true;
    }

    String name() {
        return name;
    }
}
