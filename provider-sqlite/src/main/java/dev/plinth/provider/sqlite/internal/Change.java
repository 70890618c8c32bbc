package dev.plinth.provider.sqlite.internal;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.spi.storage.Namespace;

/**
 * A change logged in {@code plinth_changes} under sequence number {@code seq}, reported once its
 * transaction commits. The version of a {@code SET} is its sequence number; other types carry 0.
 */
record Change(long seq, Namespace namespace, ChangeType type, String key) {
    /** @return the version the change reports: the sequence number for a SET, 0 otherwise */
    long version() {
        return type == ChangeType.SET ? seq : 0L;
    }
}
