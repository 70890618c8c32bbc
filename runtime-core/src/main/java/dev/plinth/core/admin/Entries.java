package dev.plinth.core.admin;

import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.EntryScan;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.KeyRules;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.StorageBackend;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Walks a namespace's live entries page by page, in key order, with the backend's {@link EntryScan} or, without
 * one, a {@link StorageBackend#list} and a {@link StorageBackend#read} per page. Holds one page at a time, so
 * memory stays flat whatever the size of the namespace.
 */
final class Entries {
    private static final GlobPattern ALL = GlobPattern.compile("*");
    private static final Comparator<BackendEntry> BY_KEY = Comparator.comparing(BackendEntry::key, KeyRules.UTF8_ORDER);

    /** Takes each page in turn. */
    @FunctionalInterface
    interface PageSink {
        void accept(List<BackendEntry> page);
    }

    private Entries() {}

    static void forEachPage(StorageBackend backend, Namespace ns, int pageSize, PageSink sink) {
        String after = null;
        while (true) {
            Page page = page(backend, ns, after, pageSize);
            if (!page.entries.isEmpty()) {
                sink.accept(page.entries);
            }
            if (page.next == null) {
                return;
            }
            after = page.next;
        }
    }

    /** @param next the cursor for the next page, or {@code null} at the end */
    private record Page(
            List<BackendEntry> entries, @Nullable String next) {}

    private static Page page(StorageBackend backend, Namespace ns, @Nullable String after, int limit) {
        if (backend instanceof EntryScan scan) {
            List<BackendEntry> found = scan.scan(ns, after, limit);
            return new Page(
                    found,
                    found.size() < limit ? null : found.get(found.size() - 1).key());
        }
        List<String> keys = backend.list(ns, ALL, after, limit);
        if (keys.isEmpty()) {
            return new Page(List.of(), null);
        }
        // A key may expire between the listing and the read: the page is then short, but not the last one.
        List<BackendEntry> found = new ArrayList<>(backend.read(ns, keys));
        found.sort(BY_KEY);
        return new Page(found, keys.size() < limit ? null : keys.get(keys.size() - 1));
    }
}
