package dev.plinth.provider.memory;

import dev.plinth.spi.storage.KeyRules;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The items of one namespace, reachable two ways: hashed by key, so that a point read costs one hash
 * lookup instead of a skip-list descent with a UTF-8 comparator; and in UTF-8 key order, so that a
 * literal prefix maps to one contiguous sub-range for listing. Both maps hold the same {@link Slot} per
 * key, so overwriting a key swaps the slot's item and touches neither map: only creating and removing a
 * key pay for the skip list.
 *
 * <p>Writers hold the key's stripe (or the whole namespace) in {@link Scope}, so nobody else adds or
 * removes the same key meanwhile. A new key enters the ordered map first and a removed one leaves it
 * last, so a key a point read can see is always listable. Costs one hash entry and one slot per key more
 * than the ordered map alone (see docs/benchmarks.md).
 */
final class KeyIndex {
    private final ConcurrentHashMap<String, Slot> byKey = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<String, Slot> ordered = new ConcurrentSkipListMap<>(KeyRules.UTF8_ORDER);

    /** The current item of one key; {@code null} once the key was removed. */
    static final class Slot {
        volatile Item item;

        Slot(Item item) {
            this.item = item;
        }
    }

    Item get(String key) {
        Slot slot = byKey.get(key);
        return slot == null ? null : slot.item;
    }

    /** Caller holds the key's stripe. */
    void put(String key, Item item) {
        Slot slot = byKey.get(key);
        if (slot != null) {
            slot.item = item;
            return;
        }
        slot = new Slot(item);
        ordered.put(key, slot);
        byKey.put(key, slot);
    }

    /** Caller holds the key's stripe. */
    void remove(String key) {
        Slot slot = byKey.remove(key);
        ordered.remove(key);
        if (slot != null) {
            slot.item = null;
        }
    }

    /** @return the slots in UTF-8 key order; read-only for callers (an item may be {@code null}: removed) */
    ConcurrentSkipListMap<String, Slot> ordered() {
        return ordered;
    }

    /** @return every current item, in no order */
    List<Item> items() {
        List<Item> items = new ArrayList<>(byKey.size());
        for (Slot slot : byKey.values()) {
            Item item = slot.item;
            if (item != null) {
                items.add(item);
            }
        }
        return items;
    }
}
