package dev.plinth.api.storage;

/**
 * A transaction precondition failed: the key's version was not the expected one (or the key was present
 * when expected absent, or absent when a version was expected). Nothing in the transaction was applied.
 */
public class VersionConflictException extends StorageException {
    private static final long serialVersionUID = 1L;
    /** The key, kept for callers that handle this exception. */
    private final String key;
    /** The expected version, kept for callers that handle this exception. */
    private final long expectedVersion;
    /** The actual version, kept for callers that handle this exception. */
    private final long actualVersion;

    /**
     * @param key the key whose precondition failed
     * @param expectedVersion the version expected, {@link KeyValueStore#ABSENT} for "expected absent"
     * @param actualVersion the version found, {@link KeyValueStore#ABSENT} when the key was absent
     */
    public VersionConflictException(String key, long expectedVersion, long actualVersion) {
        super("Precondition failed on key " + StorageMessages.quote(key) + ": expected " + describe(expectedVersion)
                + " but found " + describe(actualVersion) + "; nothing was applied");
        this.key = key;
        this.expectedVersion = expectedVersion;
        this.actualVersion = actualVersion;
    }

    private static String describe(long version) {
        return version == KeyValueStore.ABSENT ? "absent" : "version " + version;
    }

    /** @return the key whose precondition failed */
    public String key() {
        return key;
    }

    /** @return the expected version, {@link KeyValueStore#ABSENT} for "expected absent" */
    public long expectedVersion() {
        return expectedVersion;
    }

    /** @return the version found, {@link KeyValueStore#ABSENT} when the key was absent */
    public long actualVersion() {
        return actualVersion;
    }
}
