package dev.plinth.api.storage;

import java.time.Instant;
import java.util.Optional;

/**
 * A key read with its metadata, as of one instant. Immutable; {@link #value()} returns a fresh copy.
 */
public interface Entry {

    /** @return the key */
    String key();

    /** @return a copy of the value bytes */
    byte[] value();

    /** @return the value decoded as UTF-8 */
    String valueAsString();

    /**
     * @param type the class to map the JSON value to
     * @param <T> the value type
     * @return the mapped value
     * @throws SerializationException when the value is not JSON of that type
     */
    <T> T valueAs(Class<T> type);

    /**
     * @param type the generic type to map the JSON value to
     * @param <T> the value type
     * @return the mapped value
     * @throws SerializationException when the value is not JSON of that type
     */
    <T> T valueAs(TypeRef<T> type);

    /** @return the key's version when read, positive */
    long version();

    /** @return when the key expires, or empty when it never does */
    Optional<Instant> expiresAt();
}
