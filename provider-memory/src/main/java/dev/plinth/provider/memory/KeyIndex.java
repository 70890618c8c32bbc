package dev.plinth.provider.memory;

import dev.plinth.spi.storage.KeyRules;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The items of one namespace, reachable two ways: hashed by key, so that a point read costs one hash
 * lookup instead of a skip-list descent with a UTF-8 comparator; and in UTF-8 key order, so that a
 * literal prefix maps to one contiguous sub-range for listing. Both maps hold the same {@link Slot} per
 * key, so overwriting a key swaps the slot's item and touches neither map: only creating and removing a
 * key pay for the skip list.
 *
 * <p>A slot is also the key's lock: a single-key writer holds a stripe in shared mode (see
 * {@link NamespaceState}) and the slot's monitor, so writers of different keys never wait for each other, and a
 * writer that is descheduled while holding a key blocks only writers of that same key. A new key is
 * published as an empty slot whose monitor its creator already holds; a slot that ends up empty (the key
 * was removed, or a create was refused) is marked {@link Slot#dead} and leaves both maps, so a writer
 * that waited on it looks the key up again. A removed slot leaves the maps only after the removal was
 * reported, so a writer re-creating the key waits for that report before it can make its own. A slot enters the hash map, then the ordered map, and gets
 * its item only after both, while removal empties it first: a key a point read can see is always
 * listable. Writers holding the namespace exclusively need no monitor (no single-key writer runs).
 * Costs one hash entry and one slot per key more than the ordered map alone (see docs/benchmarks.md).
 */
final class KeyIndex {
    private final ConcurrentHashMap<String, Slot> byKey = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<String, Slot> ordered = new ConcurrentSkipListMap<>(KeyRules.UTF8_ORDER);

    /**
     * One key: its current item and its expiry ticket. Fields other than {@link #item} are guarded by the
     * slot's monitor (or the namespace held exclusively).
     */
    static final class Slot {
        final String key;
        /** The current item; {@code null} while a create is pending or once the key was removed. */
        volatile Item item;
        /** Set once the slot left (or is leaving) the maps; a writer that finds it set looks the key up again. */
        boolean dead;
        /** The slot's expiry ticket, due no later than {@link #item}'s deadline; {@code null}: never expires. */
        ExpiryIndex.Ticket ticket;

        Slot(String key) {
            this.key = key;
        }
    }

    boolean isEmpty() {
        return byKey.isEmpty();
    }

    Item get(String key) {
        Slot slot = byKey.get(key);
        return slot == null ? null : slot.item;
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
        slot.item = null;
        slot.dead = true;
        byKey.remove(slot.key, slot);
        ordered.remove(slot.key, slot);
    }

    /** @return the slots in UTF-8 key order; read-only for callers (an item may be {@code null}: absent) */
    ConcurrentSkipListMap<String, Slot> ordered() {
        return ordered;
    }

    /** @return every slot, in no order */
    Collection<Slot> slots() {
        return byKey.values();
    }
}
