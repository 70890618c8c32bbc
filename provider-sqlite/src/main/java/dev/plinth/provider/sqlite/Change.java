package dev.plinth.provider.sqlite;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.spi.storage.Namespace;

/** A change made in a write transaction, reported once the transaction commits. */
record Change(Namespace namespace, ChangeType type, String key, long version) {
}
