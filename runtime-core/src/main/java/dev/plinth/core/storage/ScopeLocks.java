package dev.plinth.core.storage;

import dev.plinth.spi.storage.Namespace;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Striped locks, one stripe per hash bucket of namespaces: {@link ManagedBackendOps} holds a namespace's stripe
 * around each write so that a backend without a change feed commits a namespace's writes one at a time, in the
 * order their events are reported, and a quota check cannot race another write. Scopes that share a stripe
 * only wait for each other. Thread-safe.
 */
final class ScopeLocks {
    private static final int STRIPES = 64;
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

    ScopeLocks() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /** @return the lock of {@code ns}'s stripe; lock it uninterruptibly, as a write must not half-happen */
    ReentrantLock of(Namespace ns) {
        return stripes[Math.floorMod(ns.hashCode() * 0x9E3779B9, STRIPES)];
    }
}
