package dev.plinth.provider.sqlite.internal;

import dev.plinth.api.storage.StoreClosedException;
import java.util.concurrent.atomic.AtomicBoolean;

/** Whether the backend is closed; shared by its parts so each can refuse work after close. */
final class BackendState {
    private final AtomicBoolean closed = new AtomicBoolean();
    private final String name;

    BackendState(String name) {
        this.name = name;
    }

    boolean isClosed() {
        return closed.get();
    }

    /** @return {@code true} for the one call that closed it */
    boolean markClosed() {
        return closed.compareAndSet(false, true);
    }

    void ensureOpen() {
        if (closed.get()) {
            throw closedException();
        }
    }

    StoreClosedException closedException() {
        return new StoreClosedException(name);
    }
}
