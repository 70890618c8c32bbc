package dev.plinth.tck;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.api.storage.QuotaExceededException;
import dev.plinth.api.storage.StoreClosedException;
import dev.plinth.api.storage.VersionConflictException;
import dev.plinth.spi.storage.BackendContext;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.Capability;
import dev.plinth.spi.storage.ChangeFeed;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.CommitResult;
import dev.plinth.spi.storage.CommonOptions;
import dev.plinth.spi.storage.Counters;
import dev.plinth.spi.storage.FastPaths;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.KeyRules;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.NativeCounters;
import dev.plinth.spi.storage.NativeLocks;
import dev.plinth.spi.storage.NativePatterns;
import dev.plinth.spi.storage.NativeQuotas;
import dev.plinth.spi.storage.OptionSpec;
import dev.plinth.spi.storage.Precondition;
import dev.plinth.spi.storage.ProviderConfig;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.StorageProvider;
import dev.plinth.spi.storage.Write;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A deliberately simple provider for the TCK's own build: one big lock, sorted maps. Data sets live in a
 * static registry by name (option {@code dataset}), so a second engine on the same options finds and shares
 * them; that lets the TCK run its capability tests (durable, shared, cross-process locks and events)
 * inside one JVM. Not a product: it exists to prove the TCK runs and is satisfiable.
 */
public final class ReferenceMemoryProvider implements StorageProvider {
    static final OptionSpec<String> DATASET =
            OptionSpec.string("dataset", null, "name of the shared data set").asRequired();
    /** Deliberate bugs, comma-separated {@link Flaw} names, so a test can prove the TCK catches them. */
    static final OptionSpec<String> FLAWS = OptionSpec.string("flaws", "", "deliberate bugs to inject");

    /** The classic storage bugs from lessons-from-peers.md, injectable one at a time. */
    enum Flaw {
        /** Listing and counting do not filter expired keys. */
        EXPIRED_LISTED,
        /** Quotas count expired keys. */
        QUOTA_COUNTS_EXPIRED,
        /** Listing a namespace also lists every namespace whose path starts with its path (naive prefix). */
        PREFIX_SCOPE,
        /** Clearing a namespace also clears namespaces whose path starts with its path. */
        CLEAR_BY_PREFIX,
        /** Versions count per key and restart at 1 when a key is re-created. */
        VERSION_PER_KEY,
        /** Unlocking leaves the lock entry behind. */
        LOCK_LEAK,
        /** A compare-and-set that does not match still reports a SET. */
        EVENT_ON_FAILED_CAS,
        /** '_' and '%' in patterns act like SQL LIKE wildcards. */
        SQL_LIKE_PATTERNS
    }

    private static final Map<String, DataSet> DATA_SETS = new ConcurrentHashMap<>();

    @Override
    public String id() {
        return "tckreference";
    }

    @Override
    public String description() {
        return "TCK self-test provider: in-memory data sets shared by name";
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.allOf(Capability.class);
    }

    @Override
    public List<OptionSpec<?>> options() {
        return List.of(DATASET, FLAWS, CommonOptions.MAX_KEYS, CommonOptions.SWEEP_INTERVAL);
    }

    @Override
    public int spiVersion() {
        return SPI_VERSION;
    }

    @Override
    public StorageBackend open(ProviderConfig config, BackendContext context) {
        ChangeListener changes = context.changes();
        DataSet data = DATA_SETS.computeIfAbsent(config.get(DATASET), n -> new DataSet());
        Set<Flaw> flaws = EnumSet.noneOf(Flaw.class);
        for (String f : config.get(FLAWS).split(",", -1)) {
            if (!f.isBlank()) {
                flaws.add(Flaw.valueOf(f.trim()));
            }
        }
        return new Backend(
                data, config.get(CommonOptions.MAX_KEYS), config.get(CommonOptions.SWEEP_INTERVAL), changes, flaws);
    }

    /** Everything shared by the engines open on one data set. */
    private static final class DataSet {
        final Object lock = new Object();
        final Map<Namespace, TreeMap<String, Rec>> spaces = new HashMap<>();
        final Map<String, LockRec> locks = new HashMap<>();
        final List<ChangeListener> listeners = new CopyOnWriteArrayList<>();
        long sequence;
    }

    private record Rec(byte[] value, long version, long expiresAt) {
        boolean live(long now) {
            return expiresAt == StorageBackend.NO_EXPIRY || expiresAt > now;
        }
    }

    private record LockRec(String token, long expiresAt, Backend owner) {}

    private static final class Backend
            implements StorageBackend,
                    FastPaths,
                    NativeCounters,
                    NativePatterns,
                    NativeLocks,
                    NativeQuotas,
                    ChangeFeed {
        private final DataSet data;
        private final long maxKeys;
        private final ChangeListener listener;
        private final ScheduledExecutorService sweeper;
        private final Set<Flaw> flaws;
        private volatile boolean closed;

        Backend(DataSet data, long maxKeys, Duration sweep, ChangeListener listener, Set<Flaw> flaws) {
            this.flaws = flaws;
            this.data = data;
            this.maxKeys = maxKeys;
            this.listener = listener;
            data.listeners.add(listener);
            this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "tck-reference-sweeper");
                t.setDaemon(true);
                return t;
            });
            // Cancelled by shutdownNow() at close; nothing to learn from the future before that.
            var unused = sweeper.scheduleWithFixedDelay(
                    this::sweep, sweep.toMillis(), sweep.toMillis(), TimeUnit.MILLISECONDS);
        }

        private void open() {
            if (closed) {
                throw new StoreClosedException("tckreference backend");
            }
        }

        /** The keys listing sees: the namespace's own, or with PREFIX_SCOPE every namespace sharing its prefix. */
        private NavigableMap<String, Rec> view(Namespace ns) {
            TreeMap<String, Rec> m = new TreeMap<>(KeyRules.UTF8_ORDER);
            for (Map.Entry<Namespace, TreeMap<String, Rec>> e : data.spaces.entrySet()) {
                if (e.getKey().equals(ns)
                        || (flaws.contains(Flaw.PREFIX_SCOPE)
                                && e.getKey().path().startsWith(ns.path()))) {
                    m.putAll(e.getValue());
                }
            }
            return m;
        }

        private boolean visible(Rec r, long now) {
            return flaws.contains(Flaw.EXPIRED_LISTED) || r.live(now);
        }

        private boolean matches(GlobPattern pattern, String key) {
            if (flaws.contains(Flaw.SQL_LIKE_PATTERNS)) {
                StringBuilder regex = new StringBuilder();
                for (char c : pattern.source().toCharArray()) {
                    regex.append(
                            c == '*' || c == '%'
                                    ? ".*"
                                    : c == '?' || c == '_' ? "." : java.util.regex.Pattern.quote(String.valueOf(c)));
                }
                return key.matches(regex.toString());
            }
            return pattern.matches(key);
        }

        private NavigableMap<String, Rec> space(Namespace ns) {
            return data.spaces.computeIfAbsent(ns, n -> new TreeMap<>(KeyRules.UTF8_ORDER));
        }

        private Rec live(Namespace ns, String key, long now) {
            TreeMap<String, Rec> m = data.spaces.get(ns);
            Rec r = m == null ? null : m.get(key);
            return r != null && r.live(now) ? r : null;
        }

        private void report(Namespace ns, ChangeType type, String key, long version) {
            for (ChangeListener l : data.listeners) {
                l.onChange(ns, type, key, version);
            }
        }

        private long liveCount(Namespace ns, long now) {
            TreeMap<String, Rec> m = data.spaces.get(ns);
            return m == null
                    ? 0
                    : m.values().stream()
                            .filter(r -> flaws.contains(Flaw.QUOTA_COUNTS_EXPIRED) || r.live(now))
                            .count();
        }

        private void checkQuota(Namespace ns, String key, long now) {
            if (maxKeys > 0 && live(ns, key, now) == null && liveCount(ns, now) >= maxKeys) {
                throw new QuotaExceededException(ns.path(), key, maxKeys);
            }
        }

        private long put(Namespace ns, String key, byte[] value, long expiresAt) {
            long v = ++data.sequence;
            if (flaws.contains(Flaw.VERSION_PER_KEY)) {
                Rec old = space(ns).get(key);
                v = old == null ? 1 : old.version + 1;
            }
            space(ns).put(key, new Rec(value, v, expiresAt));
            report(ns, ChangeType.SET, key, v);
            return v;
        }

        private static long expiry(long ttl, long now) {
            return ttl == NO_EXPIRY ? NO_EXPIRY : now + ttl;
        }

        @Override
        public BackendEntry get(Namespace ns, String key) {
            synchronized (data.lock) {
                open();
                Rec r = live(ns, key, System.currentTimeMillis());
                return r == null ? null : new BackendEntry(key, r.value.clone(), r.version, r.expiresAt);
            }
        }

        @Override
        public List<BackendEntry> read(Namespace ns, Collection<String> keys) {
            synchronized (data.lock) {
                open();
                long now = System.currentTimeMillis();
                List<BackendEntry> out = new ArrayList<>();
                for (String k : keys) {
                    Rec r = live(ns, k, now);
                    if (r != null) {
                        out.add(new BackendEntry(k, r.value.clone(), r.version, r.expiresAt));
                    }
                }
                return out;
            }
        }

        @Override
        public boolean exists(Namespace ns, String key) {
            synchronized (data.lock) {
                open();
                return live(ns, key, System.currentTimeMillis()) != null;
            }
        }

        @Override
        public long set(Namespace ns, String key, byte[] value, long ttlMillis) {
            synchronized (data.lock) {
                open();
                long now = System.currentTimeMillis();
                checkQuota(ns, key, now);
                return put(ns, key, value, expiry(ttlMillis, now));
            }
        }

        @Override
        public long compareAndSet(Namespace ns, String key, long expectedVersion, byte[] value, long ttlMillis) {
            synchronized (data.lock) {
                open();
                long now = System.currentTimeMillis();
                Rec r = live(ns, key, now);
                if ((r == null ? 0 : r.version) != expectedVersion) {
                    if (flaws.contains(Flaw.EVENT_ON_FAILED_CAS)) {
                        report(ns, ChangeType.SET, key, expectedVersion);
                    }
                    return 0;
                }
                checkQuota(ns, key, now);
                return put(ns, key, value, expiry(ttlMillis, now));
            }
        }

        @Override
        public long increment(Namespace ns, String key, long delta) {
            synchronized (data.lock) {
                open();
                long now = System.currentTimeMillis();
                Rec r = live(ns, key, now);
                long current = r == null ? 0 : Counters.parse(key, r.value);
                long sum = Counters.add(key, current, delta);
                checkQuota(ns, key, now);
                put(ns, key, Long.toString(sum).getBytes(StandardCharsets.UTF_8), r == null ? NO_EXPIRY : r.expiresAt);
                return sum;
            }
        }

        @Override
        public boolean delete(Namespace ns, String key) {
            synchronized (data.lock) {
                open();
                return remove(ns, key, System.currentTimeMillis());
            }
        }

        private boolean remove(Namespace ns, String key, long now) {
            if (live(ns, key, now) == null) {
                return false;
            }
            space(ns).remove(key);
            report(ns, ChangeType.DELETE, key, 0);
            return true;
        }

        @Override
        public boolean expire(Namespace ns, String key, long ttlMillis) {
            synchronized (data.lock) {
                open();
                return touch(ns, key, ttlMillis, System.currentTimeMillis());
            }
        }

        private boolean touch(Namespace ns, String key, long ttlMillis, long now) {
            Rec r = live(ns, key, now);
            if (r == null) {
                return false;
            }
            space(ns).put(key, new Rec(r.value, r.version, expiry(ttlMillis, now)));
            return true;
        }

        @Override
        public List<String> list(Namespace ns, GlobPattern pattern, String afterKey, int limit) {
            synchronized (data.lock) {
                open();
                long now = System.currentTimeMillis();
                NavigableMap<String, Rec> m = view(ns);
                Map<String, Rec> tail = afterKey == null ? m : m.tailMap(afterKey, false);
                List<String> keys = new ArrayList<>();
                for (Map.Entry<String, Rec> e : tail.entrySet()) {
                    if (visible(e.getValue(), now) && matches(pattern, e.getKey())) {
                        keys.add(e.getKey());
                        if (keys.size() == limit) {
                            break;
                        }
                    }
                }
                return keys;
            }
        }

        @Override
        public long count(Namespace ns, GlobPattern pattern) {
            synchronized (data.lock) {
                open();
                long now = System.currentTimeMillis();
                return view(ns).entrySet().stream()
                        .filter(e -> visible(e.getValue(), now) && matches(pattern, e.getKey()))
                        .count();
            }
        }

        @Override
        public long deleteMatching(Namespace ns, GlobPattern pattern) {
            synchronized (data.lock) {
                open();
                long now = System.currentTimeMillis();
                TreeMap<String, Rec> m = data.spaces.get(ns);
                if (m == null) {
                    return 0;
                }
                List<String> doomed = m.entrySet().stream()
                        .filter(e -> e.getValue().live(now) && pattern.matches(e.getKey()))
                        .map(Map.Entry::getKey)
                        .toList();
                doomed.forEach(k -> remove(ns, k, now));
                return doomed.size();
            }
        }

        @Override
        public void clear(Namespace ns) {
            synchronized (data.lock) {
                open();
                data.spaces.remove(ns);
                if (flaws.contains(Flaw.CLEAR_BY_PREFIX)) {
                    data.spaces.keySet().removeIf(n -> n.path().startsWith(ns.path()));
                }
                report(ns, ChangeType.CLEAR, null, 0);
            }
        }

        @Override
        public CommitResult commit(Namespace ns, Commit commit) {
            List<Write> writes = commit.writes();
            synchronized (data.lock) {
                open();
                long now = System.currentTimeMillis();
                for (Precondition p : commit.preconditions()) {
                    Rec r = live(ns, p.key(), now);
                    long actual = r == null ? 0 : r.version;
                    if (actual != p.expectedVersion()) {
                        throw new VersionConflictException(p.key(), p.expectedVersion(), actual);
                    }
                }
                Set<String> present = new HashSet<>();
                TreeMap<String, Rec> m = data.spaces.get(ns);
                if (m != null) {
                    m.forEach((k, r) -> {
                        if (r.live(now)) {
                            present.add(k);
                        }
                    });
                }
                for (Write w : writes) {
                    if (w instanceof Write.Put put) {
                        if (maxKeys > 0 && !present.contains(put.key()) && present.size() >= maxKeys) {
                            throw new QuotaExceededException(ns.path(), put.key(), maxKeys);
                        }
                        present.add(put.key());
                    } else if (w instanceof Write.Remove) {
                        present.remove(w.key());
                    }
                }
                long[] outcomes = new long[writes.size()];
                for (int i = 0; i < writes.size(); i++) {
                    Write w = writes.get(i);
                    if (w instanceof Write.Put put) {
                        Rec old = live(ns, put.key(), now);
                        long expiresAt = put.ttlMillis() != Write.KEEP_EXPIRY
                                ? expiry(put.ttlMillis(), now)
                                : old == null ? NO_EXPIRY : old.expiresAt;
                        outcomes[i] = put(ns, put.key(), put.value(), expiresAt);
                    } else if (w instanceof Write.Remove) {
                        outcomes[i] = remove(ns, w.key(), now) ? 1 : 0;
                    } else {
                        outcomes[i] = touch(ns, w.key(), ((Write.Expire) w).ttlMillis(), now) ? 1 : 0;
                    }
                }
                return CommitResult.of(outcomes);
            }
        }

        @Override
        public boolean tryLock(Namespace ns, String name, String token, long leaseMillis) {
            synchronized (data.lock) {
                open();
                long now = System.currentTimeMillis();
                String id = ns.path() + "\u0000" + name;
                LockRec held = data.locks.get(id);
                if (held != null && held.expiresAt > now && !held.token.equals(token)) {
                    return false;
                }
                if (held != null && held.token.equals(token)) {
                    return false;
                }
                data.locks.put(id, new LockRec(token, now + leaseMillis, this));
                return true;
            }
        }

        @Override
        public boolean renewLock(Namespace ns, String name, String token, long leaseMillis) {
            synchronized (data.lock) {
                open();
                long now = System.currentTimeMillis();
                String id = ns.path() + "\u0000" + name;
                LockRec held = data.locks.get(id);
                if (held == null || !held.token.equals(token) || held.expiresAt <= now) {
                    return false;
                }
                data.locks.put(id, new LockRec(token, now + leaseMillis, this));
                return true;
            }
        }

        @Override
        public boolean unlock(Namespace ns, String name, String token) {
            synchronized (data.lock) {
                open();
                String id = ns.path() + "\u0000" + name;
                LockRec held = data.locks.get(id);
                if (held == null || !held.token.equals(token)) {
                    return false;
                }
                if (flaws.contains(Flaw.LOCK_LEAK)) {
                    data.locks.put(id, new LockRec("released-" + token, Long.MAX_VALUE, this));
                } else {
                    data.locks.remove(id);
                }
                return true;
            }
        }

        @Override
        public int lockEntries() {
            synchronized (data.lock) {
                return (int) data.locks.values().stream()
                        .filter(l -> l.owner == this)
                        .count();
            }
        }

        private void sweep() {
            synchronized (data.lock) {
                if (closed) {
                    return;
                }
                long now = System.currentTimeMillis();
                for (Map.Entry<Namespace, TreeMap<String, Rec>> space : data.spaces.entrySet()) {
                    Iterator<Map.Entry<String, Rec>> it =
                            space.getValue().entrySet().iterator();
                    while (it.hasNext()) {
                        Map.Entry<String, Rec> e = it.next();
                        if (!e.getValue().live(now)) {
                            // Read the key first: TreeMap's iterator.remove() may reuse the entry for its successor.
                            String key = e.getKey();
                            it.remove();
                            report(space.getKey(), ChangeType.EXPIRE, key, 0);
                        }
                    }
                }
                data.locks.values().removeIf(l -> l.expiresAt <= now);
            }
        }

        @Override
        public void close() {
            synchronized (data.lock) {
                if (closed) {
                    return;
                }
                closed = true;
                data.listeners.remove(listener);
                data.locks.values().removeIf(l -> l.owner == this);
            }
            sweeper.shutdownNow();
        }
    }
}
