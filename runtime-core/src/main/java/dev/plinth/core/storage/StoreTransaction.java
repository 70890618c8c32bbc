package dev.plinth.core.storage;

import dev.plinth.api.storage.InvalidArgumentException;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.StoreClosedException;
import dev.plinth.api.storage.Transaction;
import dev.plinth.spi.storage.KeyRules;
import dev.plinth.spi.storage.Precondition;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.Write;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Collects a transaction's checks and writes, validated as they are added, for one backend commit. */
final class StoreTransaction implements Transaction {
    private final ScopedStore store;
    private final List<Precondition> preconditions = new ArrayList<>(4);
    private final List<Write> writes = new ArrayList<>(8);
    private boolean committed;

    StoreTransaction(ScopedStore store) {
        this.store = store;
    }

    @Override
    public Transaction set(String key, byte[] value) {
        return add(new Write.Put(key, store.checks().ownedCopy(key, value), StorageBackend.NO_EXPIRY));
    }

    @Override
    public Transaction set(String key, byte[] value, Duration ttl) {
        long ttlMillis = WriteChecks.ttlMillis(ttl);
        return add(new Write.Put(key, store.checks().ownedCopy(key, value), ttlMillis));
    }

    @Override
    public Transaction setString(String key, String value) {
        return add(new Write.Put(key, store.checks().ownedText(key, value), StorageBackend.NO_EXPIRY));
    }

    @Override
    public Transaction setObject(String key, Object value) {
        KeyRules.validate(key);
        return add(new Write.Put(
                key, store.checks().owned(key, store.codec().encode(key, value)), StorageBackend.NO_EXPIRY));
    }

    @Override
    public Transaction delete(String key) {
        return add(new Write.Remove(KeyRules.validate(key)));
    }

    @Override
    public Transaction requireVersion(String key, long version) {
        if (version < 0) {
            throw new InvalidArgumentException(
                    "expectedVersion", "must be positive, or KeyValueStore.ABSENT (0), was " + version);
        }
        checkOpen();
        preconditions.add(new Precondition(KeyRules.validate(key), version));
        return this;
    }

    @Override
    public Transaction requireAbsent(String key) {
        return requireVersion(key, KeyValueStore.ABSENT);
    }

    @Override
    public Map<String, Long> commit() {
        checkOpen();
        committed = true;
        return store.commit(preconditions, writes);
    }

    private Transaction add(Write write) {
        checkOpen();
        writes.add(write);
        return this;
    }

    private void checkOpen() {
        if (committed) {
            throw new StoreClosedException("Transaction in '" + store.namespace() + "' (it was already committed;"
                    + " start a new one with store.transaction())");
        }
    }
}
