package dev.plinth.core.storage;

import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.CommitResult;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.NativeLocks;
import java.util.Collection;
import java.util.List;

/**
 * Every operation the scoped stores need from storage, whatever parts the provider's backend implements:
 * the SPI's required core plus each optional part, native or the runtime's default. Chosen once when the
 * engine opens ({@link BackendAssembly}), so no call asks which parts a backend has. Thread-safe.
 */
interface BackendOps {

    /** @return the live entry, or {@code null} */
    BackendEntry get(Namespace ns, String key);

    /** @return the live value, or {@code null}; never changed by the caller (see FastPaths#getValue) */
    default byte[] getValue(Namespace ns, String key) {
        BackendEntry e = get(ns, key);
        return e == null ? null : e.value();
    }

    List<BackendEntry> read(Namespace ns, Collection<String> keys);

    boolean exists(Namespace ns, String key);

    long set(Namespace ns, String key, byte[] value, long ttlMillis);

    /** @return the new version, or ABSENT when the version did not match */
    long compareAndSet(Namespace ns, String key, long expectedVersion, byte[] value, long ttlMillis);

    long increment(Namespace ns, String key, long delta);

    boolean delete(Namespace ns, String key);

    boolean expire(Namespace ns, String key, long ttlMillis);

    CommitResult commit(Namespace ns, Commit commit);

    List<String> list(Namespace ns, GlobPattern pattern, String afterKey, int limit);

    long count(Namespace ns, GlobPattern pattern);

    long deleteMatching(Namespace ns, GlobPattern pattern);

    void clear(Namespace ns);

    /** @return the locks: the backend's own, or the runtime's in-process lease table */
    NativeLocks locks();

    /** Forwards the watched hint to a backend with a change feed; nothing otherwise. */
    void setWatched(boolean watched);

    /** Closes the backend (and anything the runtime runs for it). */
    void close();
}
