package dev.plinth.core.storage;

import dev.plinth.api.storage.Entry;
import dev.plinth.api.storage.TypeRef;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.StorageBackend;
import java.time.Instant;
import java.util.Optional;

/** An {@link Entry} over a backend entry; hands out copies so the entry stays immutable. */
final class StoredEntry implements Entry {
    private final BackendEntry entry;
    private final ValueCodec codec;

    StoredEntry(BackendEntry entry, ValueCodec codec) {
        this.entry = entry;
        this.codec = codec;
    }

    @Override
    public String key() {
        return entry.key();
    }

    @Override
    public byte[] value() {
        return entry.value().clone();
    }

    @Override
    public String valueAsString() {
        return ValueCodec.text(entry.value());
    }

    @Override
    public <T> T valueAs(Class<T> type) {
        return codec.decode(entry.key(), entry.value(), type);
    }

    @Override
    public <T> T valueAs(TypeRef<T> type) {
        return codec.decode(entry.key(), entry.value(), type);
    }

    @Override
    public long version() {
        return entry.version();
    }

    @Override
    public Optional<Instant> expiresAt() {
        long at = entry.expiresAtMillis();
        return at == StorageBackend.NO_EXPIRY ? Optional.empty() : Optional.of(Instant.ofEpochMilli(at));
    }

    @Override
    public String toString() {
        return "Entry[" + entry.key() + " v" + entry.version() + ", " + entry.value().length + " bytes"
                + (entry.expiresAtMillis() == StorageBackend.NO_EXPIRY
                        ? ""
                        : ", expires " + expiresAt().get()) + "]";
    }
}
