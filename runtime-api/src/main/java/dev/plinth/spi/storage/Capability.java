package dev.plinth.spi.storage;

/**
 * What a provider guarantees beyond the base contract, declared in {@link StorageProvider#capabilities()}.
 * The TCK runs the tests of a capability only where it is declared, and a declared capability must pass
 * them.
 */
public enum Capability {
    /** Acknowledged writes survive a restart of the process (and, as configured, a crash). */
    DURABLE,
    /** Several processes may open the same data at once and see each other's writes. */
    SHARED_ACROSS_PROCESSES,
    /** Watchers see changes made by other processes sharing the data. */
    CROSS_PROCESS_EVENTS,
    /** Locks are exclusive across processes sharing the data. */
    CROSS_PROCESS_LOCKS
}
