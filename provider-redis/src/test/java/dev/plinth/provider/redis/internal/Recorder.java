package dev.plinth.provider.redis.internal;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.Namespace;
import java.util.ArrayList;
import java.util.List;

/** Records reported changes and lets a test wait (bounded) until some arrive. */
final class Recorder implements ChangeListener {
    /** One reported change. */
    record Change(String ns, ChangeType type, String key, long version) {
        @Override
        public String toString() {
            return ns + " " + type + " " + key + " v" + version;
        }
    }

    /** What is recorded for {@link ChangeListener#onChangesMissed}. */
    static final Change MISSED = new Change("*", ChangeType.OVERFLOW, null, 0);

    private final List<Change> changes = new ArrayList<>();

    @Override
    public synchronized void onChangesMissed(String cause) {
        changes.add(MISSED);
        notifyAll();
    }

    @Override
    public synchronized void onChange(Namespace namespace, ChangeType type, String key, long version) {
        changes.add(new Change(namespace.path(), type, key, version));
        notifyAll();
    }

    synchronized List<Change> all() {
        return List.copyOf(changes);
    }

    /** Waits until at least {@code n} changes arrived (at most 10 s), then returns all of them. */
    synchronized List<Change> await(int n) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (changes.size() < n) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                break;
            }
            wait(left);
        }
        return List.copyOf(changes);
    }

    synchronized void clear() {
        changes.clear();
    }
}
