package dev.plinth.provider.jsonfile.internal;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.Namespace;
import java.util.ArrayList;
import java.util.List;

/** Collects reported changes as "TYPE ns key version" strings. */
final class RecordingListener implements ChangeListener {
    private final List<String> events = new ArrayList<>();

    @Override
    public synchronized void onChange(Namespace namespace, ChangeType type, String key, long version) {
        events.add(type + " " + namespace + " " + key + " " + version);
    }

    synchronized List<String> events() {
        return new ArrayList<>(events);
    }

    synchronized void clear() {
        events.clear();
    }
}
