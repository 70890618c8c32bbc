package dev.plinth.provider.memory;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.StoreClosedException;
import dev.plinth.api.storage.VersionConflictException;
import dev.plinth.spi.storage.BackendContext;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.ChangeFeed;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.CommitResult;
import dev.plinth.spi.storage.Counters;
import dev.plinth.spi.storage.Expiry;
import dev.plinth.spi.storage.FastPaths;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.KeyRange;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.NamespaceListing;
import dev.plinth.spi.storage.NativeCounters;
import dev.plinth.spi.storage.NativePatterns;
import dev.plinth.spi.storage.NativeQuotas;
import dev.plinth.spi.storage.Precondition;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.Write;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code memory} backend: per namespace a {@link KeyIndex} (one slot per key, reachable through a hash
 * map for point reads and a {@link ConcurrentSkipListMap} in UTF-8 key order for listing) in a
 * {@link NamespaceState}, one {@link AtomicLong} version sequence for the whole backend, an {@link ExpiryIndex} of
 * the keys with a deadline, and a sweeper thread ({@code plinth-memory-sweeper}).
 *
 * <h2>Concurrency design</h2>
 * <ul>
 *   <li><b>Reads</b> ({@code get}, {@code exists}, {@code getAll}, {@code list}, {@code count}) take no
 *       lock: they read optimistically and retry under a read lock only if a multi-key write overlapped,
 *       so batches, transactions and {@code clear} are never seen half-applied. Expiry is checked on
 *       every read, so an expired item is absent at once, before it is reclaimed.</li>
 *   <li><b>Single-key writes</b> ({@code set}, {@code compareAndSet}, {@code increment}, {@code delete},
 *       {@code expire}) hold the read side of a stripe (1 of 32 per namespace, picked by thread;
 *       shared, so it only keeps multi-key writes out) and the monitor of the key's slot while they read, decide, write
 *       and report the change: that makes each atomic, and makes change reports per key follow commit
 *       order. Writers of different keys never wait for each other, so a writer descheduled mid-write
 *       (more threads than CPUs) stalls only writers of the same key. With no quota this is the whole
 *       cost.</li>
 *   <li><b>Multi-key writes</b> ({@code commit}, {@code deleteAll}, {@code clear}) hold every stripe
 *       of the namespace plus the read gate's write side, so they are atomic with respect to each other,
 *       to single-key writes and to reads of that namespace, and never block another namespace.</li>
 *   <li><b>Quota</b> ({@code maxKeys}, {@link MemoryQuota}): a per-namespace entry count, reserved by compare-and-set before
 *       a new key is inserted, so the limit is exact under concurrency. The count includes expired
 *       items not yet reclaimed; when it says "full", the write retries under the exclusive lock after
 *       reclaiming that namespace's due items (found through the expiry index), and only then refuses.
 *       Without a quota the count is not maintained at all.</li>
 *   <li><b>Expiry</b> ({@link MemorySweeper}): the sweeper wakes every {@code sweepInterval}, takes the due tickets from the
 *       expiry index (one per key that expires, never later than its deadline; a rewrite that only pushes
 *       the deadline later leaves the ticket alone) and removes each item that has expired, reporting
 *       {@link ChangeType#EXPIRE}, or re-files the ticket at the live item's later deadline. A write over
 *       an expired item, or a delete of one, reclaims it the same
 *       way. Whoever removes an item while holding its slot reports it, so each expiry is reported at
 *       most once. Reads never remove.</li>
 * </ul>
 * Values are kept as given (the runtime already copied them) and copied on the way out, as the SPI asks.
 *
 * <p>Why this class is longer than the others (about 700 lines): the single-key write path above is one
 * protocol (a stripe, the slot's monitor, the quota reservation, the expiry ticket and the report, in that
 * order), and the multi-key writes hold the other side of the same locks; split across classes, the
 * invariants that make them safe together would no longer be readable in one place. The quota and the
 * sweeper, which only call into that protocol, live apart.
 */
final class MemoryStorageBackend
        implements StorageBackend,
                FastPaths,
                NativeCounters,
                NativePatterns,
                NativeQuotas,
                ChangeFeed,
                NamespaceListing {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryStorageBackend.class);
    private static final String NAME = "Memory storage backend";

    /** One single-key operation, run holding the key's slot or, on quota retry, the namespace exclusively. */
    @FunctionalInterface
    private interface KeyOp {
        /**
         * @param slot the key's slot, held; empty for a key being created. Its {@code held...} accessors
         *     give the stored value, possibly expired
         * @param exclusive whether the whole namespace is locked (a full quota is then final)
         * @param arg the operation's object argument (value bytes), or {@code null}
         * @param a the operation's first number argument
         * @param b the operation's second number argument
         * @return the operation's result; {@code 1} / {@code 0} for a boolean
         */
        long apply(NamespaceState scope, KeyIndex.Slot slot, boolean exclusive, Object arg, long a, long b);
    }

    private final long maxKeys;
    private final boolean quota;
    private final ChangeListener changes;
    private final ConcurrentHashMap<Namespace, NamespaceState> scopes = new ConcurrentHashMap<>();
    private final AtomicLong versions = new AtomicLong();
    private final ExpiryIndex expiries = new ExpiryIndex();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final InstantSource clock;
    private final ScheduledFuture<?> sweeping;
    private final MemoryQuota quotaRule;
    private final MemorySweeper sweeper;

    MemoryStorageBackend(long maxKeys, Duration sweepInterval, BackendContext context) {
        this.maxKeys = maxKeys;
        this.quota = maxKeys > 0;
        this.changes = context.changes();
        this.clock = context.clock();
        this.quotaRule = new MemoryQuota(maxKeys);
        this.sweeper = new MemorySweeper(scopes, expiries, this::unlink, closed, clock);
        long interval = Math.max(1L, sweepInterval.toMillis());
        this.sweeping = context.scheduler()
                .scheduleWithFixedDelay(sweeper::sweepSafely, interval, interval, TimeUnit.MILLISECONDS);
        LOG.debug("Opened memory storage (maxKeys={}, sweepInterval={}ms)", maxKeys, interval);
    }

    // ------------------------------------------------------------------------------------------- reads

    @Override
    public BackendEntry get(Namespace ns, String key) {
        ensureOpen();
        NamespaceState scope = scopes.get(ns);
        if (scope == null) {
            return null;
        }
        return scope.liveEntry(key, clock);
    }

    /** {@link #get} without building the entry: the stored array, which is never changed in place. */
    @Override
    public byte[] getValue(Namespace ns, String key) {
        ensureOpen();
        NamespaceState scope = scopes.get(ns);
        if (scope == null) {
            return null;
        }
        return scope.liveValue(key, clock);
    }

    @Override
    public List<BackendEntry> read(Namespace ns, Collection<String> keys) {
        ensureOpen();
        NamespaceState scope = scopes.get(ns);
        if (scope == null || keys.isEmpty()) {
            return List.of();
        }
        long now = now();
        // One "now" for every key, so the answer is one instant's view of expiry too.
        return scope.read(items -> {
            List<BackendEntry> out = new ArrayList<>(keys.size());
            for (String key : keys) {
                KeyIndex.Slot slot = items.slot(key);
                BackendEntry e = slot == null ? null : slot.liveEntry(null, now);
                if (e != null) {
                    out.add(e);
                }
            }
            return out;
        });
    }

    @Override
    public boolean exists(Namespace ns, String key) {
        ensureOpen();
        NamespaceState scope = scopes.get(ns);
        if (scope == null) {
            return false;
        }
        return scope.liveValue(key, clock) != null;
    }

    @Override
    public List<String> list(Namespace ns, GlobPattern pattern, String afterKey, int limit) {
        ensureOpen();
        NamespaceState scope = scopes.get(ns);
        if (scope == null) {
            return List.of();
        }
        long now = now();
        return scope.read(items -> {
            List<String> keys = new ArrayList<>(Math.min(limit, 64));
            forEachLiveMatch(items, pattern, afterKey, now, key -> {
                keys.add(key);
                return keys.size() < limit;
            });
            return keys;
        });
    }

    @Override
    public long count(Namespace ns, GlobPattern pattern) {
        ensureOpen();
        NamespaceState scope = scopes.get(ns);
        if (scope == null) {
            return 0L;
        }
        long now = now();
        return scope.read(items -> {
            long[] n = {0};
            forEachLiveMatch(items, pattern, null, now, key -> {
                n[0]++;
                return true;
            });
            return n[0];
        });
    }

    /**
     * Visits, in UTF-8 order, the live keys after {@code afterKey} that match {@code pattern}, while
     * {@code visitor} returns {@code true}.
     *
     * @return {@code false} when the visitor stopped the walk early
     */
    private static boolean forEachLiveMatch(
            KeyIndex items, GlobPattern pattern, String afterKey, long now, Predicate<String> visitor) {
        for (Map.Entry<String, KeyIndex.Slot> e :
                range(items, pattern, afterKey).entrySet()) {
            if (e.getValue().liveVersion(now) != 0L && pattern.matches(e.getKey()) && !visitor.test(e.getKey())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The part of {@code items} that can hold matches of {@code pattern} after {@code afterKey}: the
     * literal prefix's sub-range, so listing a prefix costs in proportion to the keys under it.
     */
    private static NavigableMap<String, KeyIndex.Slot> range(KeyIndex index, GlobPattern pattern, String afterKey) {
        ConcurrentSkipListMap<String, KeyIndex.Slot> items = index.ordered();
        KeyRange range = KeyRange.of(pattern, afterKey);
        if (range.isEmpty()) {
            return Collections.emptyNavigableMap();
        }
        String from = range.lower();
        String to = range.upper();
        if (to == null) {
            return from == null ? items : items.tailMap(from, range.lowerInclusive());
        }
        return from == null ? items.headMap(to, false) : items.subMap(from, range.lowerInclusive(), to, false);
    }

    // ------------------------------------------------------------------------------- single-key writes

    /*
     * The single-key operations are built once per backend and take their arguments through writeKey, so
     * a write allocates no capturing lambda and boxes no result: booleans travel as 1 / 0. They read the
     * clock (a call that costs as much as a short write, and inside the key's critical section) only when an expiry
     * is involved.
     */

    /**
     * {@code arg} is the value, {@code preparedVersion} a version {@link #set} drew outside the slot (0:
     * none), {@code expiresAt} the deadline it computed.
     */
    private final KeyOp setOp = (scope, slot, exclusive, arg, preparedVersion, expiresAt) -> {
        long now = clockFor(slot, NO_EXPIRY);
        return install(scope, slot, preparedVersion, (byte[]) arg, expiresAt, now, exclusive, false);
    };

    private final KeyOp compareAndSetOp = (scope, slot, exclusive, value, expectedVersion, ttlMillis) -> {
        long now = clockFor(slot, ttlMillis);
        if (slot.heldLiveVersion(now) != expectedVersion) {
            return KeyValueStore.ABSENT;
        }
        return install(scope, slot, 0L, (byte[]) value, deadline(now, ttlMillis), now, exclusive, false);
    };

    private final KeyOp incrementOp = (scope, slot, exclusive, unused, delta, unused2) -> {
        long now = clockFor(slot, NO_EXPIRY);
        boolean live = slot.heldLiveAt(now);
        long current = live ? Counters.parse(slot.key, slot.heldValue()) : 0L;
        long next = Counters.add(slot.key, current, delta);
        long expiresAt = live ? slot.heldExpiresAt() : NO_EXPIRY;
        install(scope, slot, 0L, Counters.format(next), expiresAt, now, exclusive, false);
        return next;
    };

    private final KeyOp deleteOp = (scope, slot, exclusive, unused, unused2, unused3) -> {
        if (!slot.heldPresent()) {
            return 0L;
        }
        boolean live = slot.heldLiveAt(now());
        unlink(scope, slot, live ? ChangeType.DELETE : ChangeType.EXPIRE);
        return live ? 1L : 0L;
    };

    private final KeyOp expireOp = (scope, slot, exclusive, unused, ttlMillis, unused2) ->
            slot.heldPresent() ? expireHeld(scope, slot, ttlMillis, now()) : 0L;

    /**
     * Gives a held slot's value, which is present, a new expiry, or reclaims it when it already expired: 1
     * when it was live.
     */
    private long expireHeld(NamespaceState scope, KeyIndex.Slot slot, long ttlMillis, long now) {
        if (!slot.heldLiveAt(now)) {
            unlink(scope, slot, ChangeType.EXPIRE);
            return 0L;
        }
        long at = deadline(now, ttlMillis);
        if (at != slot.heldExpiresAt()) {
            slot.storeExpiry(at);
            expiries.track(scope, slot);
        }
        return 1L;
    }

    /**
     * A blind write, so its version and deadline are settled before the key is taken: the critical section
     * that others writing the key may wait on (for long, if the holder is descheduled) shrinks to compare
     * and store. The version is drawn before the current one is seen, so it is used only when larger
     * (an overwrite drawn later may have committed first); otherwise a new one is drawn under the slot.
     * It is drawn early only for a key that exists, the only case that can use it, so a sequential writer
     * leaves no gaps in the sequence; {@link #writeKey} draws it once it found the key's slot, so a set
     * looks up the namespace and the key once each. The deadline counts from the call. Allocates nothing:
     * the value (already the runtime's copy) is stored as given, in the slot's own fields.
     */
    @Override
    public long set(Namespace ns, String key, byte[] value, long ttlMillis) {
        long now = ttlMillis == NO_EXPIRY ? 0L : now();
        return writeKey(ns, key, true, setOp, value, 0L, deadline(now, ttlMillis));
    }

    @Override
    public long compareAndSet(Namespace ns, String key, long expectedVersion, byte[] value, long ttlMillis) {
        return writeKey(ns, key, true, compareAndSetOp, value, expectedVersion, ttlMillis);
    }

    @Override
    public long increment(Namespace ns, String key, long delta) {
        return writeKey(ns, key, true, incrementOp, null, delta, 0L);
    }

    @Override
    public boolean delete(Namespace ns, String key) {
        return writeKey(ns, key, false, deleteOp, null, 0L, 0L) != 0L;
    }

    @Override
    public boolean expire(Namespace ns, String key, long ttlMillis) {
        return writeKey(ns, key, false, expireOp, null, ttlMillis, 0L) != 0L;
    }

    /**
     * Runs {@code op} holding a stripe (shared) and the key's slot; if the quota count says the
     * namespace is full, runs it again under the exclusive lock after reclaiming expired items, where
     * "full" is final.
     */
    private long writeKey(Namespace ns, String key, boolean creates, KeyOp op, Object value, long a, long b) {
        ensureOpen();
        long first = a; // for set: the version drawn before the slot is taken, once (see set)
        NamespaceState scope = enterShared(ns, creates);
        if (scope == null) {
            return 0L; // nothing is stored in the namespace: nothing to delete or expire
        }
        StampedLock stripe = scope.sharedStripe();
        try {
            // Stable while the stripe is held: clear() swaps it only with every stripe write-locked.
            KeyIndex index = scope.items;
            while (true) {
                KeyIndex.Slot slot = index.slot(key);
                if (slot == null) {
                    if (!creates) {
                        return 0L; // delete or expire of an absent key
                    }
                    KeyIndex.Slot fresh = new KeyIndex.Slot(key);
                    synchronized (fresh) {
                        slot = index.publish(fresh);
                        if (slot == null) {
                            return applyHeld(scope, index, fresh, op, false, value, first, b);
                        }
                    }
                }
                if (op == setOp && first == 0L && slot.presentHint()) {
                    // A hint only, read without the key: the version is compared again under the slot.
                    first = versions.incrementAndGet();
                }
                synchronized (slot) {
                    if (!slot.dead) {
                        return applyHeld(scope, index, slot, op, false, value, first, b);
                    }
                }
                // The key was removed while we waited for its slot: look it up again.
            }
        } catch (MemoryQuota.ScopeFull full) {
            // retried below, without the stripe, so that taking every stripe in order cannot deadlock
        } finally {
            stripe.tryUnlockRead();
        }
        scope = enterExclusive(ns);
        try {
            long now = now();
            sweeper.reclaimDue(scope, now);
            KeyIndex index = scope.items;
            return applyHeld(scope, index, index.slotForWrite(key), op, true, value, first, b);
        } finally {
            scope.unlockExclusive();
        }
    }

    /**
     * Runs {@code op} on a held slot; a slot left empty (a refused create, or a removal) leaves the index,
     * also when {@code op} throws.
     */
    private static long applyHeld(
            NamespaceState scope,
            KeyIndex index,
            KeyIndex.Slot slot,
            KeyOp op,
            boolean exclusive,
            Object value,
            long a,
            long b) {
        try {
            return op.apply(scope, slot, exclusive, value, a, b);
        } finally {
            if (!slot.heldPresent() && !slot.dead) {
                index.drop(slot);
            }
        }
    }

    /**
     * Stores a new value in {@code slot} in place of the one it holds (if any) and reports it. Caller
     * holds the slot (or the namespace exclusively). Nothing is changed or reported when this throws.
     *
     * @param preparedVersion a version drawn before the slot was taken (0: none), used when larger than
     *     the stored one. Only an overwrite can use it: for a key being created, the versions it had before
     *     it was removed are unknown, and only a version drawn now is sure to be larger than all of them
     * @param now the current time, or 0 when neither the stored value nor the new one expires
     * @param quotaChecked the caller already made sure the namespace has room (a transaction)
     * @return the new version
     */
    private long install(
            NamespaceState scope,
            KeyIndex.Slot slot,
            long preparedVersion,
            byte[] value,
            long expiresAt,
            long now,
            boolean exclusive,
            boolean quotaChecked) {
        String key = slot.key;
        boolean existed = slot.heldPresent();
        if (!existed && quota) {
            if (quotaChecked) {
                scope.size.incrementAndGet();
            } else {
                quotaRule.reserve(scope, key, exclusive);
            }
        }
        long version = existed && preparedVersion > slot.heldVersion() ? preparedVersion : versions.incrementAndGet();
        boolean replacedExpired = existed && !slot.heldLiveAt(now);
        slot.store(value, version, expiresAt);
        expiries.track(scope, slot);
        if (replacedExpired) {
            changes.onChange(scope.namespace, ChangeType.EXPIRE, key, 0L);
        }
        changes.onChange(scope.namespace, ChangeType.SET, key, version);
        return version;
    }

    /**
     * Removes the value of {@code slot}, which holds one, and reports it. Caller holds the slot (or the
     * namespace exclusively).
     */
    private void unlink(NamespaceState scope, KeyIndex.Slot slot, ChangeType type) {
        slot.empty(); // committed: reads see the key absent from here on
        expiries.track(scope, slot); // drops the ticket of the now empty slot
        if (quota) {
            scope.size.decrementAndGet();
        }
        changes.onChange(scope.namespace, type, slot.key, 0L);
        // Only after the report: until the slot leaves the index, a writer re-creating the key finds it
        // and waits on its monitor, so the new key's SET cannot be reported before this removal.
        scope.items.drop(slot);
    }

    // -------------------------------------------------------------------------------- multi-key writes

    /** Deletes key by key (each atomic, the whole not), so it never blocks the namespace for long. */
    @Override
    public long deleteMatching(Namespace ns, GlobPattern pattern) {
        ensureOpen();
        NamespaceState scope = scopes.get(ns);
        if (scope == null) {
            return 0L;
        }
        long now = now();
        List<String> matches = scope.read(items -> {
            List<String> out = new ArrayList<>();
            forEachLiveMatch(items, pattern, null, now, out::add);
            return out;
        });
        long deleted = 0;
        for (String key : matches) {
            if (delete(ns, key)) {
                deleted++;
            }
        }
        return deleted;
    }

    @Override
    public void clear(Namespace ns) {
        ensureOpen();
        KeyIndex old;
        NamespaceState scope = enterExclusive(ns);
        try {
            old = scope.items;
            scope.items = new KeyIndex();
            scope.size.set(0L);
            changes.onChange(ns, ChangeType.CLEAR, null, 0L);
        } finally {
            scope.unlockExclusive();
        }
        // The old index is detached and no longer written, so its tickets can go without holding the
        // namespace: a sweeper meeting one first finds its slot gone from the live index and drops it.
        for (KeyIndex.Slot slot : old.slots()) {
            ExpiryIndex.Ticket t = slot.ticket;
            if (t != null) {
                expiries.dropStale(t);
            }
        }
    }

    @Override
    public CommitResult commit(Namespace ns, Commit commit) {
        ensureOpen();
        List<Write> writes = commit.writes();
        NamespaceState scope = enterExclusive(ns);
        try {
            long now = now();
            for (Precondition p : commit.preconditions()) {
                long actual = scope.items.liveVersion(p.key(), now);
                if (actual != p.expectedVersion()) {
                    throw new VersionConflictException(p.key(), p.expectedVersion(), actual);
                }
            }
            if (quota) {
                quotaRule.checkCommit(scope, writes, now, sweeper::reclaimDue);
            }
            long[] outcomes = new long[writes.size()];
            for (int i = 0; i < outcomes.length; i++) {
                Write w = writes.get(i);
                String key = w.key();
                KeyIndex.Slot slot = scope.items.slot(key);
                boolean present = slot != null && slot.heldPresent();
                boolean live = present && slot.heldLiveAt(now);
                if (w instanceof Write.Put put) {
                    if (slot == null) {
                        slot = scope.items.slotForWrite(key);
                    }
                    long expiresAt = put.ttlMillis() != Write.KEEP_EXPIRY
                            ? deadline(now, put.ttlMillis())
                            : live ? slot.heldExpiresAt() : NO_EXPIRY;
                    outcomes[i] = install(scope, slot, 0L, put.value(), expiresAt, now, true, true);
                } else if (w instanceof Write.Remove) {
                    if (present) {
                        unlink(scope, slot, live ? ChangeType.DELETE : ChangeType.EXPIRE);
                    }
                    outcomes[i] = live ? 1 : 0;
                } else if (present) {
                    outcomes[i] = expireHeld(scope, slot, ((Write.Expire) w).ttlMillis(), now);
                }
            }
            return CommitResult.of(outcomes);
        } finally {
            scope.unlockExclusive();
        }
    }

    // ---------------------------------------------------------------------------------------- expiry

    /** One sweeper pass, now, in the caller's thread (tests). */
    void sweep() {
        sweeper.sweep();
    }

    @Override
    public SortedMap<Namespace, Long> namespaces() {
        ensureOpen();
        SortedMap<Namespace, Long> out = new TreeMap<>();
        GlobPattern all = GlobPattern.compile("*");
        for (Namespace ns : scopes.keySet()) {
            long n = count(ns, all);
            if (n > 0) {
                out.put(ns, n);
            }
        }
        return out;
    }

    /** @return how many namespaces hold state (an item, or used since the last sweep) */
    int scopeCount() {
        return scopes.size();
    }

    // ------------------------------------------------------------------------------------- lifecycle

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // The scheduler is the runtime's; a pass already running sees closed and stops.
        sweeping.cancel(false);
        scopes.clear();
        LOG.debug("Closed memory storage");
    }

    @Override
    public String toString() {
        return "MemoryStorageBackend[maxKeys=" + maxKeys + ", namespaces=" + scopes.size()
                + (closed.get() ? ", closed" : "") + "]";
    }

    // --------------------------------------------------------------------------------------- helpers

    private void ensureOpen() {
        if (closed.get()) {
            throw new StoreClosedException(NAME);
        }
    }

    private NamespaceState scope(Namespace ns) {
        NamespaceState scope = scopes.get(ns);
        return scope != null ? scope : scopes.computeIfAbsent(ns, NamespaceState::new);
    }

    /**
     * @param creates whether to create the namespace when the namespace has none
     * @return the namespace's scope with the calling thread's stripe read-locked (release with
     *     {@code sharedStripe().tryUnlockRead()}), never a retired one; {@code null} when it has none and
     *     {@code creates} is false
     */
    private NamespaceState enterShared(Namespace ns, boolean creates) {
        while (true) {
            NamespaceState scope = creates ? scope(ns) : scopes.get(ns);
            if (scope == null) {
                return null;
            }
            StampedLock stripe = scope.sharedStripe();
            stripe.readLock();
            if (!scope.retired) {
                return scope;
            }
            stripe.tryUnlockRead();
        }
    }

    /** @return the namespace's scope, created if needed, locked exclusively; never a retired one */
    private NamespaceState enterExclusive(Namespace ns) {
        while (true) {
            NamespaceState scope = scope(ns);
            scope.lockExclusive();
            if (!scope.retired) {
                return scope;
            }
            scope.unlockExclusive();
        }
    }

    private long now() {
        return clock.millis();
    }

    /**
     * @return the current time when the liveness of {@code slot}'s value (held) or a deadline from
     *     {@code ttlMillis} depends on it, else 0, which every value that never expires counts as live at
     */
    private long clockFor(KeyIndex.Slot slot, long ttlMillis) {
        return ttlMillis != NO_EXPIRY || slot.heldExpiresAt() != NO_EXPIRY ? now() : 0L;
    }

    private static long deadline(long now, long ttlMillis) {
        return Expiry.deadline(now, ttlMillis);
    }
}
