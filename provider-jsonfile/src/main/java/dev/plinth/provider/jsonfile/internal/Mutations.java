package dev.plinth.provider.jsonfile.internal;

import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.VersionConflictException;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.CommitResult;
import dev.plinth.spi.storage.Counters;
import dev.plinth.spi.storage.Expiry;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.Precondition;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.Write;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What each write means: the checks (versions, quota, counter format) against memory under the write lock,
 * and the changes they commit through the {@link Writer}, each write as one journal line. Versions come
 * from the one sequence of {@link KeySpace#lastVersion}. Thread-safe (everything runs under the write lock).
 */
final class Mutations {
    private final KeySpace space;
    private final Writer writer;
    private final Quota quota;
    private final InstantSource clock;

    Mutations(KeySpace space, Writer writer, Quota quota, InstantSource clock) {
        this.space = space;
        this.writer = writer;
        this.quota = quota;
        this.clock = clock;
    }

    long set(Namespace ns, String key, byte[] value, long ttlMillis) {
        return writer.write(() -> {
            long now = clock.millis();
            if (space.current(ns, key, now) == null) {
                quota.admitNew(ns, key, now);
            }
            return put(ns, key, value, Expiry.deadline(now, ttlMillis));
        });
    }

    long compareAndSet(Namespace ns, String key, long expectedVersion, byte[] value, long ttlMillis) {
        return writer.write(() -> {
            long now = clock.millis();
            Item current = space.current(ns, key, now);
            long actual = current == null ? KeyValueStore.ABSENT : current.version();
            if (actual != expectedVersion) {
                return KeyValueStore.ABSENT;
            }
            if (current == null) {
                quota.admitNew(ns, key, now);
            }
            return put(ns, key, value, Expiry.deadline(now, ttlMillis));
        });
    }

    long increment(Namespace ns, String key, long delta) {
        return writer.write(() -> {
            long now = clock.millis();
            Item current = space.current(ns, key, now);
            long sum;
            if (current == null) {
                quota.admitNew(ns, key, now);
                sum = delta;
            } else {
                sum = Counters.add(key, Counters.parse(key, current.value()), delta);
            }
            put(ns, key, Counters.format(sum), current == null ? StorageBackend.NO_EXPIRY : current.expiresAt());
            return sum;
        });
    }

    private long put(Namespace ns, String key, byte[] value, long expiresAt) {
        long version = space.lastVersion + 1;
        writer.commit(ns, List.of(new Change.Put(key, new Item(value, version, expiresAt))));
        return version;
    }

    boolean delete(Namespace ns, String key) {
        return writer.write(() -> {
            if (space.current(ns, key, clock.millis()) == null) {
                return false;
            }
            writer.commit(ns, List.of(new Change.Remove(key)));
            return true;
        });
    }

    boolean expire(Namespace ns, String key, long ttlMillis) {
        return writer.write(() -> {
            long now = clock.millis();
            Item current = space.current(ns, key, now);
            if (current == null) {
                return false;
            }
            writer.commit(ns, List.of(expiryChange(key, current, now, ttlMillis)));
            return true;
        });
    }

    /** An expiry change keeps value and version: journaled as a set, reported as nothing. */
    private static Change.Put expiryChange(String key, Item current, long now, long ttlMillis) {
        return new Change.Put(
                key, new Item(current.value(), current.version(), Expiry.deadline(now, ttlMillis)), false);
    }

    /** All matching keys in one journal line, so the deletion is atomic too. */
    long deleteMatching(Namespace ns, GlobPattern pattern) {
        return writer.write(() -> {
            List<String> keys = space.matching(ns, pattern, clock.millis());
            if (keys.isEmpty()) {
                return 0L;
            }
            List<Change> removes = new ArrayList<>(keys.size());
            for (String key : keys) {
                removes.add(new Change.Remove(key));
            }
            writer.commit(ns, removes);
            return (long) keys.size();
        });
    }

    void clear(Namespace ns) {
        writer.write(() -> {
            writer.commit(ns, List.of(new Change.Clear()));
            return null;
        });
    }

    CommitResult commit(Namespace ns, Commit commit) {
        return writer.write(() -> {
            long now = clock.millis();
            for (Precondition p : commit.preconditions()) {
                Item current = space.current(ns, p.key(), now);
                long actual = current == null ? KeyValueStore.ABSENT : current.version();
                if (actual != p.expectedVersion()) {
                    throw new VersionConflictException(p.key(), p.expectedVersion(), actual);
                }
            }
            List<Write> writes = commit.writes();
            long[] outcomes = new long[writes.size()];
            // The writes in order, simulated: each key's live item after the writes so far (null: absent).
            Map<String, Item> after = new LinkedHashMap<>();
            List<Change> changes = new ArrayList<>(writes.size());
            long version = space.lastVersion;
            for (int i = 0; i < outcomes.length; i++) {
                Write w = writes.get(i);
                String key = w.key();
                Item before = after.containsKey(key) ? after.get(key) : space.current(ns, key, now);
                Change change;
                if (w instanceof Write.Put put) {
                    long expiresAt = put.ttlMillis() != Write.KEEP_EXPIRY
                            ? Expiry.deadline(now, put.ttlMillis())
                            : before == null ? StorageBackend.NO_EXPIRY : before.expiresAt();
                    change = new Change.Put(key, new Item(put.value(), ++version, expiresAt));
                    outcomes[i] = version;
                } else if (before == null) {
                    change = null; // removing or touching an absent key changes nothing
                } else if (w instanceof Write.Remove) {
                    change = new Change.Remove(key);
                    outcomes[i] = 1;
                } else {
                    change = expiryChange(key, before, now, ((Write.Expire) w).ttlMillis());
                    outcomes[i] = 1;
                }
                if (change != null) {
                    changes.add(change);
                }
                after.put(key, change instanceof Change.Put p ? p.item() : null);
            }
            quota.admit(ns, after, now);
            if (!changes.isEmpty()) {
                writer.commit(ns, changes);
            }
            return CommitResult.of(outcomes);
        });
    }
}
