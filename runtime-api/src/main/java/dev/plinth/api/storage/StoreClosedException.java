package dev.plinth.api.storage;

/**
 * The store was used after the runtime (or the backend) was closed. Not retryable: the store will not
 * come back; obtain a new one from a new runtime.
 */
public class StoreClosedException extends StorageException {
    private static final long serialVersionUID = 1L;

    /**
     * @param what which store or backend is closed
     */
    public StoreClosedException(String what) {
        super(what + " is closed");
    }
}
