package dev.plinth.tck;

import dev.plinth.api.storage.StoreClosedException;
import dev.plinth.api.storage.VersionConflictException;
import dev.plinth.spi.storage.BackendContext;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.Capability;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.CommitResult;
import dev.plinth.spi.storage.CommonOptions;
import dev.plinth.spi.storage.Expiry;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.KeyRange;
import dev.plinth.spi.storage.KeyRules;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.OptionSpec;
import dev.plinth.spi.storage.Precondition;
import dev.plinth.spi.storage.ProviderConfig;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.StorageProvider;
import dev.plinth.spi.storage.Write;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The proof that the SPI's required core is enough: a provider written only against
 * {@link StorageBackend}'s four methods, with none of the optional parts, that passes the whole TCK
 * ({@link MinimalProviderContractTest}). The runtime supplies everything else: single-key operations,
 * counters, pattern deletes and clearing built on {@code read}/{@code commit}/{@code list}, change and
 * expiry events, quotas and locks. It is also the sample the "Writing a provider" guide
 * (docs/writing-a-provider.md) walks through. One lock, sorted maps, data in memory.
 */
public final class MinimalProvider implements StorageProvider {

    @Override
    public String id() {
        return "minimal";
    }

    @Override
    public String description() {
        return "the SPI's required core and nothing else, in memory";
    }

    @Override
    public int spiVersion() {
        return SPI_VERSION;
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of();
    }

    @Override
    public List<OptionSpec<?>> options() {
        // Declared so configurations move between providers unchanged; the runtime enforces both.
        return List.of(CommonOptions.MAX_KEYS, CommonOptions.SWEEP_INTERVAL);
    }

    @Override
    public StorageBackend open(ProviderConfig config, BackendContext context) {
        return new Backend(context.clock());
    }

    /** A stored value: bytes, a version and an expiry deadline ({@code NO_EXPIRY} for none). */
    private record Item(byte[] value, long version, long expiresAt) {}

    private static final class Backend implements StorageBackend {
        private final InstantSource clock;
        private final Map<Namespace, TreeMap<String, Item>> scopes = new HashMap<>();
        private long lastVersion;
        private boolean closed;

        Backend(InstantSource clock) {
            this.clock = clock;
        }

        @Override
        public synchronized List<BackendEntry> read(Namespace ns, Collection<String> keys) {
            checkOpen();
            long now = clock.millis();
            List<BackendEntry> found = new ArrayList<>(keys.size());
            for (String key : keys) {
                Item item = live(ns, key, now);
                if (item != null) {
                    found.add(new BackendEntry(key, item.value(), item.version(), item.expiresAt()));
                }
            }
            return found;
        }

        @Override
        public synchronized CommitResult commit(Namespace ns, Commit commit) {
            checkOpen();
            long now = clock.millis();
            for (Precondition p : commit.preconditions()) {
                Item item = live(ns, p.key(), now);
                long actual = item == null ? 0 : item.version();
                if (actual != p.expectedVersion()) {
                    throw new VersionConflictException(p.key(), p.expectedVersion(), actual);
                }
            }
            TreeMap<String, Item> scope = scopes.computeIfAbsent(ns, n -> new TreeMap<>(KeyRules.UTF8_ORDER));
            List<Write> writes = commit.writes();
            long[] outcomes = new long[writes.size()];
            for (int i = 0; i < writes.size(); i++) {
                Write write = writes.get(i);
                Item old = live(ns, write.key(), now);
                if (write instanceof Write.Put put) {
                    long expiresAt = put.ttlMillis() != Write.KEEP_EXPIRY
                            ? Expiry.deadline(now, put.ttlMillis())
                            : old == null ? NO_EXPIRY : old.expiresAt();
                    outcomes[i] = ++lastVersion;
                    scope.put(put.key(), new Item(put.value(), lastVersion, expiresAt));
                } else if (write instanceof Write.Remove) {
                    // Also drops an expired item: that is how its space is reclaimed.
                    scope.remove(write.key());
                    outcomes[i] = old == null ? 0 : 1;
                } else if (old != null) {
                    long ttl = ((Write.Expire) write).ttlMillis();
                    scope.put(write.key(), new Item(old.value(), old.version(), Expiry.deadline(now, ttl)));
                    outcomes[i] = 1;
                }
            }
            return CommitResult.of(outcomes);
        }

        @Override
        public synchronized List<String> list(Namespace ns, GlobPattern pattern, String afterKey, int limit) {
            checkOpen();
            TreeMap<String, Item> scope = scopes.get(ns);
            KeyRange range = KeyRange.of(pattern, afterKey);
            List<String> keys = new ArrayList<>();
            if (scope == null || range.isEmpty()) {
                return keys;
            }
            long now = clock.millis();
            Map<String, Item> candidates =
                    range.lower() == null ? scope : scope.tailMap(range.lower(), range.lowerInclusive());
            for (Map.Entry<String, Item> e : candidates.entrySet()) {
                if (range.upper() != null && KeyRules.compareUtf8(e.getKey(), range.upper()) >= 0) {
                    break;
                }
                if (Expiry.isLive(e.getValue().expiresAt(), now) && pattern.matches(e.getKey())) {
                    keys.add(e.getKey());
                    if (keys.size() == limit) {
                        break;
                    }
                }
            }
            return keys;
        }

        @Override
        public synchronized void close() {
            closed = true;
            scopes.clear();
        }

        private Item live(Namespace ns, String key, long now) {
            TreeMap<String, Item> scope = scopes.get(ns);
            Item item = scope == null ? null : scope.get(key);
            return item != null && Expiry.isLive(item.expiresAt(), now) ? item : null;
        }

        private void checkOpen() {
            if (closed) {
                throw new StoreClosedException("minimal backend");
            }
        }
    }
}
