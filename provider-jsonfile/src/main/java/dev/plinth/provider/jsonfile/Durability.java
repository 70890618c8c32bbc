package dev.plinth.provider.jsonfile;

/** When an acknowledged write reaches the disk. */
public enum Durability {
    /** Every write is fsynced before it returns: an acknowledged write survives a crash or power loss. */
    SYNC,
    /**
     * Writes reach the operating system before they return and are fsynced at most every
     * {@code flushInterval}: a process crash loses nothing, but a power loss or kernel crash may lose the
     * writes of the last {@code flushInterval}.
     */
    BATCHED
}
