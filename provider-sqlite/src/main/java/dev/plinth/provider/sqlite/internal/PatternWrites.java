package dev.plinth.provider.sqlite.internal;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import java.util.List;

/**
 * The writes of {@link dev.plinth.spi.storage.NativePatterns}: deleting the keys a pattern matches, and
 * clearing a scope, each one write transaction. Thread-safe (the writer serialises the work).
 */
final class PatternWrites {
    private final Writer writer;

    PatternWrites(Writer writer) {
        this.writer = writer;
    }

    /** Selects the matching keys and deletes them with one statement; reports a {@code DELETE} per key. */
    long deleteMatching(Namespace ns, GlobPattern pattern) {
        KeyQuery q = KeyQuery.of(pattern, null);
        return writer.write("deleting matching keys", tx -> {
            // Under the write lock nothing changes between the SELECT and the DELETE, so the keys reported
            // are exactly the rows deleted.
            List<String> keys = PatternQueries.keys(tx.connection(), q, ns.path(), tx.now(), Long.MAX_VALUE);
            if (keys.isEmpty()) {
                return 0L;
            }
            PatternQueries.delete(tx.connection(), q, ns.path(), tx.now());
            for (String key : keys) {
                tx.changed(ns, ChangeType.DELETE, key);
            }
            return (long) keys.size();
        });
    }

    /** One {@code DELETE} of the scope's rows (its child scopes are other namespaces); reports one {@code CLEAR}. */
    void clear(Namespace ns) {
        writer.write("clearing a scope", tx -> {
            KvTable.clear(tx.connection(), ns.path());
            tx.changed(ns, ChangeType.CLEAR, null);
            return null;
        });
    }
}
