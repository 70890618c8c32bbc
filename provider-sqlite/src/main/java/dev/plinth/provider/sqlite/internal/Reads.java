package dev.plinth.provider.sqlite.internal;

import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import java.util.Collection;
import java.util.List;

/**
 * Every read, each on a connection of the {@link ReadPool}: with WAL they never wait for the writer. Expired
 * rows are filtered in SQL against the clock read once per call. Thread-safe.
 */
final class Reads {
    private final ReadPool readers;
    private final BackendState state;

    Reads(ReadPool readers, BackendState state) {
        this.readers = readers;
        this.state = state;
    }

    /** @return the live entry, or {@code null} */
    BackendEntry get(Namespace ns, String key) {
        return readers.read("reading a key", (c, now) -> KvTable.find(c, ns.path(), key, now));
    }

    boolean exists(Namespace ns, String key) {
        return readers.read("reading a key", (c, now) -> KvTable.liveVersion(c, ns.path(), key, now) != 0L);
    }

    /** @return the live entries among {@code keys}, from one snapshot */
    List<BackendEntry> read(Namespace ns, Collection<String> keys) {
        if (keys.isEmpty()) {
            state.ensureOpen();
            return List.of();
        }
        return readers.read("reading keys", (c, now) -> {
            if (keys.size() <= KvTable.IN_CHUNK) {
                return KvTable.findAll(c, ns.path(), keys, now);
            }
            // Several statements: one read transaction makes them one snapshot.
            c.beginRead();
            boolean ended = false;
            try {
                List<BackendEntry> found = KvTable.findAll(c, ns.path(), keys, now);
                c.commit();
                ended = true;
                return found;
            } finally {
                if (!ended) {
                    c.rollbackQuietly();
                }
            }
        });
    }

    /** @return up to {@code limit} matching live keys after {@code afterKey}, in UTF-8 order */
    List<String> list(Namespace ns, GlobPattern pattern, String afterKey, int limit) {
        KeyQuery q = KeyQuery.of(pattern, afterKey);
        return readers.read("listing keys", (c, now) -> PatternQueries.keys(c, q, ns.path(), now, limit));
    }

    long count(Namespace ns, GlobPattern pattern) {
        KeyQuery q = KeyQuery.of(pattern, null);
        return readers.read("counting keys", (c, now) -> PatternQueries.count(c, q, ns.path(), now));
    }
}
