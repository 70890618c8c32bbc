package dev.plinth.provider.memory;

import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.KeyRules;
import dev.plinth.spi.storage.StorageBackend;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.InstantSource;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The items of one namespace, reachable two ways: hashed by key, so that a point read costs one hash
 * lookup instead of a skip-list descent with a UTF-8 comparator; and in UTF-8 key order, so that a
 * literal prefix maps to one contiguous sub-range for listing. Both maps hold the same {@link Slot} per
 * key, so overwriting a key rewrites the slot's fields and touches neither map: only creating and removing a
 * key pay for the skip list.
 *
 * <p>A slot is also the key's lock: a single-key writer holds a stripe in shared mode (see
 * {@link NamespaceState}) and the slot's monitor, so writers of different keys never wait for each other, and a
 * writer that is descheduled while holding a key blocks only writers of that same key. A new key is
 * published as an empty slot whose monitor its creator already holds; a slot that ends up empty (the key
 * was removed, or a create was refused) is marked {@link Slot#dead} and leaves both maps, so a writer
 * that waited on it looks the key up again. A removed slot leaves the maps only after the removal was
 * reported, so a writer re-creating the key waits for that report before it can make its own. A slot enters the hash map, then the ordered map, and gets
 * its value only after both, while removal empties it first: a key a point read can see is always
 * listable. Writers holding the namespace exclusively need no monitor (no single-key writer runs).
 * Costs one hash entry and one slot per key more than the ordered map alone (see docs/benchmarks.md).
 */
final class KeyIndex {
    private final ConcurrentHashMap<String, Slot> byKey = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<String, Slot> ordered = new ConcurrentSkipListMap<>(KeyRules.UTF8_ORDER);

    /**
     * One key: its current value, version and expiry, held in the slot itself (no object per write), and
     * its expiry ticket.
     *
     * <p><b>Writers</b> hold the slot's monitor, or the namespace exclusively (then no single-key writer
     * runs), so writers of one slot never overlap; they read the fields plainly through the
     * {@code held...} accessors and change them only through {@link #store} and {@link #storeExpiry}.
     *
     * <p><b>Readers</b> take no lock: the three fields sit behind a sequence lock. A write makes
     * {@link #seq} odd, writes the fields, and makes it even again (one larger than before the write);
     * a reader reads the sequence, the fields, and the sequence again, and keeps what it read only when
     * both readings are the same even number, so it never pairs one write's value with another's version
     * or expiry. After {@value #OPTIMISTIC_TRIES} failed tries it takes the monitor, which holds off
     * single-key writers, and spins (never parks nor yields) only while a writer holding the namespace
     * exclusively, which never waits for a slot's monitor, finishes its write. A reader that lost its
     * thread for exactly 2^31 writes of one slot could take a stale pair for current (the sequence is an
     * {@code int}, to keep the slot at 48 bytes): not a practical case.
     *
     * <p>{@link #dead} and {@link #ticket} are guarded like a writer's fields. The stored array is never
     * changed in place, so a reader may hand out the reference it read.
     */
    static final class Slot {
        private static final VarHandle SEQ;
        /** Lock-free tries before a reader takes the monitor: a write holds the sequence odd for a few stores. */
        private static final int OPTIMISTIC_TRIES = 4;

        static {
            try {
                SEQ = MethodHandles.lookup().findVarHandle(Slot.class, "seq", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final String key;
        /** Even: the fields are stable; odd: a write is in progress. Written only through {@link #SEQ}. */
        private volatile int seq;
        /** The value; {@code null} while a create is pending or once the key was removed (absent). */
        private byte[] value;

        private long version;
        /** Epoch milliseconds, or {@link StorageBackend#NO_EXPIRY}. */
        private long expiresAt;
        /** Set once the slot left (or is leaving) the maps; a writer that finds it set looks the key up again. */
        boolean dead;
        /** The slot's expiry ticket, due no later than {@link #expiresAt}; {@code null}: never expires. */
        ExpiryIndex.Ticket ticket;

        Slot(String key) {
            this.key = key;
        }

        // ------------------------------------------------------------- writer side: slot held

        /** @return whether the slot holds a value (possibly expired). Caller holds the slot. */
        boolean heldPresent() {
            return value != null;
        }

        /**
         * @return whether the slot seemed to hold a value, read without the slot and unchecked: a hint only,
         *     for a writer deciding something it checks again once it holds the slot
         */
        boolean presentHint() {
            return value != null;
        }

        /** @return the stored value, possibly expired, or {@code null}. Caller holds the slot. */
        byte[] heldValue() {
            return value;
        }

        /** @return the stored version (0 when absent). Caller holds the slot. */
        long heldVersion() {
            return version;
        }

        /** @return the stored deadline, or {@link StorageBackend#NO_EXPIRY}. Caller holds the slot. */
        long heldExpiresAt() {
            return expiresAt;
        }

        /** @return whether a value is stored and visible at {@code now}. Caller holds the slot. */
        boolean heldLiveAt(long now) {
            return value != null && visible(expiresAt, now);
        }

        /** @return the version when a value is live at {@code now}, else 0 (absent). Caller holds the slot. */
        long heldLiveVersion(long now) {
            return heldLiveAt(now) ? version : 0L;
        }

        /**
         * Replaces value, version and expiry as one change for readers. Caller holds the slot.
         *
         * @param newValue the value, never changed afterwards; {@code null}: the key is absent
         */
        void store(byte[] newValue, long newVersion, long newExpiresAt) {
            int s = beginWrite();
            value = newValue;
            version = newVersion;
            expiresAt = newExpiresAt;
            SEQ.setRelease(this, s + 2);
        }

        /** Replaces the expiry alone, keeping value and version. Caller holds the slot. */
        void storeExpiry(long newExpiresAt) {
            int s = beginWrite();
            expiresAt = newExpiresAt;
            SEQ.setRelease(this, s + 2);
        }

        /** Empties the slot (the key is absent). Caller holds the slot. */
        void empty() {
            store(null, 0L, StorageBackend.NO_EXPIRY);
        }

        /** @return the even sequence before this write, now made odd. */
        private int beginWrite() {
            // Writers never overlap (they hold the slot), so a plain read of the sequence is current.
            int s = (int) SEQ.get(this);
            // Opaque plus a release fence (the usual seqlock writer), not a volatile write: the odd number
            // must be visible no later than the field stores that follow, and the fence asks no more than
            // that (a volatile store would also order later loads: a full fence on x86, on every put; this
            // fence costs nothing there).
            SEQ.setOpaque(this, s + 1);
            VarHandle.releaseFence();
            return s;
        }

        /** @return whether no write started or ended since {@code s} was read, and none was in progress then */
        private boolean unchanged(int s) {
            // The field loads before this point must not move after the second read of the sequence.
            VarHandle.acquireFence();
            return (s & 1) == 0 && seq == s;
        }

        // ------------------------------------------------------------------ reader side: no lock

        /**
         * @param clock read only when the value has a deadline
         * @return the live value (the stored array itself), or {@code null} when absent or expired
         */
        byte[] liveValue(InstantSource clock) {
            return liveValue(clock, OPTIMISTIC_TRIES);
        }

        /** @param tries lock-free tries left; -1: unbounded (the monitor is held) */
        private byte[] liveValue(InstantSource clock, int tries) {
            for (int i = 0; i != tries; i++) {
                int s = seq;
                byte[] v = value;
                long at = expiresAt;
                if (unchanged(s)) {
                    return v != null && visible(at, clock) ? v : null;
                }
                Thread.onSpinWait();
            }
            synchronized (this) {
                return liveValue(clock, -1);
            }
        }

        /**
         * @param clock read only when the value has a deadline; {@code null}: use {@code now}
         * @param now the current time when {@code clock} is {@code null}
         * @return the live entry, or {@code null} when absent or expired
         */
        BackendEntry liveEntry(InstantSource clock, long now) {
            return liveEntry(clock, now, OPTIMISTIC_TRIES);
        }

        private BackendEntry liveEntry(InstantSource clock, long now, int tries) {
            for (int i = 0; i != tries; i++) {
                int s = seq;
                byte[] v = value;
                long ver = version;
                long at = expiresAt;
                if (unchanged(s)) {
                    boolean live = v != null && (clock == null ? visible(at, now) : visible(at, clock));
                    return live ? new BackendEntry(key, v, ver, at) : null;
                }
                Thread.onSpinWait();
            }
            synchronized (this) {
                return liveEntry(clock, now, -1);
            }
        }

        /** @return the version when a value is live at {@code now}, else 0 (absent) */
        long liveVersion(long now) {
            return liveVersion(now, OPTIMISTIC_TRIES);
        }

        private long liveVersion(long now, int tries) {
            for (int i = 0; i != tries; i++) {
                int s = seq;
                boolean present = value != null;
                long ver = version;
                long at = expiresAt;
                if (unchanged(s)) {
                    return present && visible(at, now) ? ver : 0L;
                }
                Thread.onSpinWait();
            }
            synchronized (this) {
                return liveVersion(now, -1);
            }
        }

        private static boolean visible(long at, long now) {
            return at == StorageBackend.NO_EXPIRY || at > now;
        }

        private static boolean visible(long at, InstantSource clock) {
            return at == StorageBackend.NO_EXPIRY || at > clock.millis();
        }
    }

    boolean isEmpty() {
        return byKey.isEmpty();
    }

    /** @return the live version of {@code key} at {@code now}, or 0 when absent or expired */
    long liveVersion(String key, long now) {
        Slot slot = byKey.get(key);
        return slot == null ? 0L : slot.liveVersion(now);
    }

    Slot slot(String key) {
        return byKey.get(key);
    }

    /**
     * Publishes {@code fresh} (empty, its monitor held by the caller) as the slot of its key, unless the
     * key already has one. Caller holds a stripe (shared).
     *
     * @return the key's existing slot, or {@code null} when {@code fresh} was published
     */
    Slot publish(Slot fresh) {
        Slot existing = byKey.putIfAbsent(fresh.key, fresh);
        if (existing == null) {
            // May replace a dead slot whose remover has not reached the ordered map yet: its remove is
            // conditional on its own slot, so it leaves this one alone.
            ordered.put(fresh.key, fresh);
        }
        return existing;
    }

    /** @return the key's slot, created empty when absent. Caller holds the namespace exclusively. */
    Slot slotForWrite(String key) {
        Slot slot = byKey.get(key);
        if (slot == null) {
            slot = new Slot(key);
            publish(slot);
        }
        return slot;
    }

    /** Empties {@code slot} and takes it out of both maps. Caller holds the slot (or the namespace exclusively). */
    void drop(Slot slot) {
        if (slot.heldPresent()) {
            slot.empty();
        }
        slot.dead = true;
        byKey.remove(slot.key, slot);
        ordered.remove(slot.key, slot);
    }

    /** @return the slots in UTF-8 key order; read-only for callers (a slot may be empty: absent) */
    ConcurrentSkipListMap<String, Slot> ordered() {
        return ordered;
    }

    /** @return every slot, in no order */
    Collection<Slot> slots() {
        return byKey.values();
    }
}
