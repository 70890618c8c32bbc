package dev.plinth.core.observed;

import dev.plinth.api.storage.Transaction;
import dev.plinth.core.observe.PluginObserver;
import dev.plinth.core.observe.StoreOperation;
import java.time.Duration;
import java.util.Map;

/** A transaction whose commit is timed as {@link StoreOperation#COMMIT}, with the value bytes it writes. */
final class ObservedTransaction implements Transaction {
    private final Transaction tx;
    private final PluginObserver observer;
    private long bytes;

    ObservedTransaction(Transaction tx, PluginObserver observer) {
        this.tx = tx;
        this.observer = observer;
    }

    @Override
    public Transaction set(String key, byte[] value) {
        tx.set(key, value);
        bytes += value.length;
        return this;
    }

    @Override
    public Transaction set(String key, byte[] value, Duration ttl) {
        tx.set(key, value, ttl);
        bytes += value.length;
        return this;
    }

    @Override
    public Transaction setString(String key, String value) {
        tx.setString(key, value);
        bytes += ObservedStore.utf8Length(value);
        return this;
    }

    @Override
    public Transaction setObject(String key, Object value) {
        tx.setObject(key, value);
        return this;
    }

    @Override
    public Transaction delete(String key) {
        tx.delete(key);
        return this;
    }

    @Override
    public Transaction requireVersion(String key, long version) {
        tx.requireVersion(key, version);
        return this;
    }

    @Override
    public Transaction requireAbsent(String key) {
        tx.requireAbsent(key);
        return this;
    }

    @Override
    public Map<String, Long> commit() {
        long t = observer.start(StoreOperation.COMMIT);
        try {
            Map<String, Long> r = tx.commit();
            observer.completed(StoreOperation.COMMIT, t);
            observer.bytesWritten(bytes);
            return r;
        } catch (RuntimeException e) {
            observer.failed(StoreOperation.COMMIT, t, e);
            throw e;
        }
    }

    @Override
    public String toString() {
        return tx.toString();
    }
}
