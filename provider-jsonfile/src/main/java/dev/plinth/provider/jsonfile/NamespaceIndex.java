package dev.plinth.provider.jsonfile;

import dev.plinth.spi.storage.KeyRules;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The keys of one namespace in UTF-8 order, read without locks. {@link #stored} counts entries (expired
 * ones not yet reclaimed included) because {@link ConcurrentSkipListMap#size()} walks the whole map; it is
 * changed and read only under the backend's write lock.
 */
final class NamespaceIndex {
    final ConcurrentSkipListMap<String, Item> items = new ConcurrentSkipListMap<>(KeyRules.UTF8_ORDER);
    long stored;

    Item put(String key, Item item) {
        Item old = items.put(key, item);
        if (old == null) {
            stored++;
        }
        return old;
    }

    Item remove(String key) {
        Item old = items.remove(key);
        if (old != null) {
            stored--;
        }
        return old;
    }

    boolean remove(String key, Item expected) {
        boolean removed = items.remove(key, expected);
        if (removed) {
            stored--;
        }
        return removed;
    }
}
