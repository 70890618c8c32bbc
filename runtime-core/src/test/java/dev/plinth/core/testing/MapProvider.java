package dev.plinth.core.testing;

import dev.plinth.api.storage.VersionConflictException;
import dev.plinth.spi.storage.BackendContext;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.Capability;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.CommitResult;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.KeyRules;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.OptionSpec;
import dev.plinth.spi.storage.Precondition;
import dev.plinth.spi.storage.ProviderConfig;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.StorageProvider;
import dev.plinth.spi.storage.Write;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A storage provider for core tests that need data to stay: the SPI's required core over one map, no
 * expiry (a Put's TTL is ignored), one lock for everything. Not for speed.
 */
public final class MapProvider implements StorageProvider {
    private final Map<String, BackendEntry> data = new HashMap<>();
    private long versions;

    @Override
    public String id() {
        return "map";
    }

    @Override
    public String description() {
        return "a map, for core tests";
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of();
    }

    @Override
    public List<OptionSpec<?>> options() {
        return List.of();
    }

    @Override
    public int spiVersion() {
        return SPI_VERSION;
    }

    @Override
    public StorageBackend open(ProviderConfig config, BackendContext context) {
        return new StorageBackend() {
            @Override
            public List<BackendEntry> read(Namespace ns, Collection<String> keys) {
                synchronized (data) {
                    List<BackendEntry> out = new ArrayList<>();
                    for (String k : keys) {
                        BackendEntry e = data.get(ns.path() + "\u0000" + k);
                        if (e != null) {
                            out.add(e);
                        }
                    }
                    return out;
                }
            }

            @Override
            public CommitResult commit(Namespace ns, Commit commit) {
                synchronized (data) {
                    for (Precondition p : commit.preconditions()) {
                        BackendEntry e = data.get(ns.path() + "\u0000" + p.key());
                        long v = e == null ? 0 : e.version();
                        if (v != p.expectedVersion()) {
                            throw new VersionConflictException(p.key(), p.expectedVersion(), v);
                        }
                    }
                    long[] out = new long[commit.writes().size()];
                    int i = 0;
                    for (Write w : commit.writes()) {
                        String k = ns.path() + "\u0000" + w.key();
                        if (w instanceof Write.Put put) {
                            data.put(k, new BackendEntry(put.key(), put.value(), ++versions, NO_EXPIRY));
                            out[i++] = versions;
                        } else if (w instanceof Write.Remove) {
                            out[i++] = data.remove(k) == null ? 0 : 1;
                        } else {
                            out[i++] = data.containsKey(k) ? 1 : 0;
                        }
                    }
                    return CommitResult.of(out);
                }
            }

            @Override
            public List<String> list(Namespace ns, GlobPattern pattern, String afterKey, int limit) {
                synchronized (data) {
                    String prefix = ns.path() + "\u0000";
                    List<String> keys = new ArrayList<>();
                    for (String k : data.keySet()) {
                        if (k.startsWith(prefix)) {
                            String key = k.substring(prefix.length());
                            if (pattern.matches(key)
                                    && (afterKey == null || KeyRules.UTF8_ORDER.compare(key, afterKey) > 0)) {
                                keys.add(key);
                            }
                        }
                    }
                    keys.sort(KeyRules.UTF8_ORDER);
                    return keys.size() > limit ? new ArrayList<>(keys.subList(0, limit)) : keys;
                }
            }

            @Override
            public void close() {}
        };
    }
}
