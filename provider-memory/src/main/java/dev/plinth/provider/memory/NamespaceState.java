package dev.plinth.provider.memory;

import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.Namespace;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Function;

/**
 * The data of one namespace, and the three kinds of access to them:
 * <ul>
 *   <li>single-key writes hold the read side of one stripe (one of {@value #STRIPES} per namespace,
 *       picked by thread) and the monitor of the key's {@link KeyIndex.Slot}: the monitor makes read-modify-write
 *       and the change report of one key atomic and ordered; the shared stripe only keeps multi-key writes
 *       out, so writers of different keys never wait for each other (nor park when one of them is
 *       descheduled mid-write, which is what collapsed throughput with more threads than CPUs when the
 *       stripe was an exclusive lock);</li>
 *   <li>multi-key writes (batches, transactions, clear) hold the write side of every stripe in index
 *       order, then the write side of {@link #gate}: {@link #lockExclusive()};</li>
 *   <li>reads take no lock: they read optimistically under {@link #gate} and retry under its read side
 *       only when a multi-key write overlapped, so no reader ever sees half a batch.</li>
 * </ul>
 * The map reference is replaced (not emptied) by {@code clear}, under the exclusive lock; writers read it
 * after taking their stripe, readers inside the optimistic section.
 *
 * <p>A scope with no items is {@link #retired} by the sweeper, under the exclusive lock, and
 * leaves the backend's map, so namespaces that were used once do not hold memory forever. A writer checks
 * the flag once it holds a stripe or the exclusive lock, and on a retired scope starts again from the map
 * (a new scope): nothing is ever written into a namespace that has left the map.
 */
final class NamespaceState {
    static final int STRIPES = 32;

    final Namespace namespace;
    /** The items, hashed for point reads and in UTF-8 byte order for listing. */
    volatile KeyIndex items = new KeyIndex();
    /** Entries in {@link #items}, expired ones included; maintained only when a quota is set. */
    final AtomicLong size = new AtomicLong();

    private final StampedLock[] stripes = new StampedLock[STRIPES];
    private final StampedLock gate = new StampedLock();
    /** The gate's write stamp while the exclusive lock is held; touched only by its holder. */
    private long exclusiveStamp;
    /** Set once, under the exclusive lock, when the namespace left the backend's map. */
    volatile boolean retired;

    NamespaceState(Namespace namespace) {
        this.namespace = namespace;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new StampedLock();
        }
    }

    /**
     * @return the stripe whose read side the calling thread takes for a single-key write. The stripe only
     *     keeps multi-key writers out (a key is guarded by its slot), so it is chosen by thread, not by key:
     *     threads writing at the same time then update different lock words, and the multiplier spreads
     *     consecutive thread ids over stripes allocated far apart, so they do not share a cache line either.
     */
    StampedLock sharedStripe() {
        return stripes[(int) (Thread.currentThread().getId() * 11) & (STRIPES - 1)];
    }

    /**
     * Takes the write side of every stripe, then the gate's. Stripes are always taken in index order and
     * a single-key writer holds only one (and no other lock while it waits for it), so this never
     * deadlocks. Release with {@link #unlockExclusive()}.
     */
    void lockExclusive() {
        for (StampedLock stripe : stripes) {
            stripe.writeLock();
        }
        exclusiveStamp = gate.writeLock();
    }

    void unlockExclusive() {
        gate.unlockWrite(exclusiveStamp);
        for (int i = STRIPES - 1; i >= 0; i--) {
            // Write-locked above by this thread; the stamp is not needed to release a write lock.
            stripes[i].tryUnlockWrite();
        }
    }

    /** @return {@code true} when the namespace holds no value (expired ones included) */
    boolean idle() {
        return items.isEmpty();
    }

    /*
     * The two point reads below repeat the gate protocol of read(Function) instead of calling it: a lambda
     * capturing the key would be one more object per get, the hottest path.
     */

    /**
     * @param clock read only when the value has a deadline
     * @return the live value of {@code key} (the stored array), or {@code null}; never half-way through a
     *     batch
     */
    byte[] liveValue(String key, InstantSource clock) {
        long stamp = gate.tryOptimisticRead();
        if (stamp != 0L) {
            KeyIndex.Slot slot = items.slot(key);
            byte[] value = slot == null ? null : slot.liveValue(clock);
            if (gate.validate(stamp)) {
                return value;
            }
        }
        stamp = gate.readLock();
        try {
            KeyIndex.Slot slot = items.slot(key);
            return slot == null ? null : slot.liveValue(clock);
        } finally {
            gate.unlockRead(stamp);
        }
    }

    /**
     * @param clock read only when the value has a deadline
     * @return the live entry of {@code key}, or {@code null}; never half-way through a batch
     */
    BackendEntry liveEntry(String key, InstantSource clock) {
        long stamp = gate.tryOptimisticRead();
        if (stamp != 0L) {
            KeyIndex.Slot slot = items.slot(key);
            BackendEntry entry = slot == null ? null : slot.liveEntry(clock, 0L);
            if (gate.validate(stamp)) {
                return entry;
            }
        }
        stamp = gate.readLock();
        try {
            KeyIndex.Slot slot = items.slot(key);
            return slot == null ? null : slot.liveEntry(clock, 0L);
        } finally {
            gate.unlockRead(stamp);
        }
    }

    /**
     * Runs a multi-key read against one consistent state. {@code reader} may run twice and must not have
     * side effects.
     */
    <T> T read(Function<KeyIndex, T> reader) {
        long stamp = gate.tryOptimisticRead();
        if (stamp != 0L) {
            T result = reader.apply(items);
            if (gate.validate(stamp)) {
                return result;
            }
        }
        stamp = gate.readLock();
        try {
            return reader.apply(items);
        } finally {
            gate.unlockRead(stamp);
        }
    }
}
