package dev.plinth.provider.memory;

import dev.plinth.spi.storage.KeyRules;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The items of one namespace, held twice: hashed, so that a point read ({@code get}, {@code exists},
 * preconditions) costs one hash lookup instead of a skip-list descent with a UTF-8 comparator; and
 * ordered in UTF-8 byte order, so that a literal prefix maps to one contiguous sub-range for listing.
 *
 * <p>Writers hold the key's stripe (or the whole namespace) in {@link Scope}, so the two maps never
 * disagree for long: an insert goes to the ordered map first and a removal leaves it last, so a key a
 * point read can see is always listable. Costs one hash-map entry more per key (see docs/benchmarks.md).
 */
final class KeyIndex {
    private final ConcurrentHashMap<String, Item> byKey = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<String, Item> ordered = new ConcurrentSkipListMap<>(KeyRules.UTF8_ORDER);

    Item get(String key) {
        return byKey.get(key);
    }

    void put(String key, Item item) {
        ordered.put(key, item);
        byKey.put(key, item);
    }

    void remove(String key) {
        byKey.remove(key);
        ordered.remove(key);
    }

    /** @return the items in UTF-8 key order; read-only for callers */
    ConcurrentSkipListMap<String, Item> ordered() {
        return ordered;
    }

    /** @return every item, in no order */
    Collection<Item> values() {
        return byKey.values();
    }
}
