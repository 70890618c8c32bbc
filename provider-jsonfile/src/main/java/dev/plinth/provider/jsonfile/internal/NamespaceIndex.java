package dev.plinth.provider.jsonfile.internal;

import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.KeyRange;
import dev.plinth.spi.storage.KeyRules;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Predicate;

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

    /**
     * Offers each live key matching {@code pattern} after {@code afterKey}, in order, until {@code sink}
     * returns {@code false}. Only the pattern's {@link KeyRange} is scanned, so a prefix costs in proportion
     * to the keys under it.
     */
    void forEachLiveMatch(GlobPattern pattern, String afterKey, long now, Predicate<String> sink) {
        for (Map.Entry<String, Item> e : range(KeyRange.of(pattern, afterKey)).entrySet()) {
            if (e.getValue().liveAt(now) && pattern.matches(e.getKey()) && !sink.test(e.getKey())) {
                return;
            }
        }
    }

    private NavigableMap<String, Item> range(KeyRange range) {
        if (range.isEmpty()) {
            return Collections.emptyNavigableMap();
        }
        NavigableMap<String, Item> m = items;
        if (range.lower() != null) {
            m = m.tailMap(range.lower(), range.lowerInclusive());
        }
        return range.upper() == null ? m : m.headMap(range.upper(), false);
    }

    /** @return the live entries, expired ones not yet reclaimed left out; walks the whole index */
    long countLive(long now) {
        long live = 0;
        for (Item item : items.values()) {
            if (item.liveAt(now)) {
                live++;
            }
        }
        return live;
    }
}
