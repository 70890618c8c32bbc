package dev.plinth.core.storage;

import dev.plinth.api.storage.InvalidArgumentException;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.ValueTooLargeException;
import dev.plinth.spi.storage.KeyRules;
import java.time.Duration;
import java.util.Objects;

/**
 * The checks every write passes before it reaches a backend, so that bad input fails the same way on
 * every provider and never touches stored data.
 */
final class WriteChecks {
    private final long maxValueBytes;

    WriteChecks(long maxValueBytes) {
        this.maxValueBytes = maxValueBytes;
    }

    /** Validates key and value, and returns the copy of the value that the backend may keep. */
    byte[] ownedCopy(String key, byte[] value) {
        KeyRules.validate(key);
        Objects.requireNonNull(value, "value");
        checkSize(key, value.length);
        return value.clone();
    }

    /** Validates key and an array the runtime produced itself (already private, no copy needed). */
    byte[] owned(String key, byte[] fresh) {
        KeyRules.validate(key);
        checkSize(key, fresh.length);
        return fresh;
    }

    /** Validates key, then encodes text as UTF-8 (refusing unpaired surrogates) and checks its size. */
    byte[] ownedText(String key, String text) {
        KeyRules.validate(key);
        Objects.requireNonNull(text, "value");
        byte[] utf8 = ValueCodec.utf8(key, text);
        checkSize(key, utf8.length);
        return utf8;
    }

    private void checkSize(String key, long size) {
        if (size > maxValueBytes) {
            throw new ValueTooLargeException(key, size, maxValueBytes);
        }
    }

    /**
     * @return the TTL in milliseconds
     * @throws InvalidArgumentException when {@code ttl} is zero, negative, under a millisecond or longer
     *     than {@link KeyValueStore#MAX_DURATION}
     */
    static long ttlMillis(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new InvalidArgumentException(
                    "ttl", "must be positive, was " + ttl + "; omit the TTL for a key that never expires");
        }
        return boundedMillis("ttl", ttl, 1);
    }

    /**
     * @param argument the parameter's name, for the message
     * @param d a duration already known not to be negative
     * @param minMillis the shortest accepted, in milliseconds
     * @return {@code d} in whole milliseconds
     * @throws InvalidArgumentException when {@code d} is under {@code minMillis} or longer than
     *     {@link KeyValueStore#MAX_DURATION}
     */
    static long boundedMillis(String argument, Duration d, long minMillis) {
        if (d.compareTo(KeyValueStore.MAX_DURATION) > 0) {
            throw new InvalidArgumentException(
                    argument,
                    d + " is longer than KeyValueStore.MAX_DURATION (" + KeyValueStore.MAX_DURATION.toDays()
                            + " days)");
        }
        long millis = d.toMillis();
        if (millis < minMillis) {
            throw new InvalidArgumentException(
                    argument,
                    "must be at least " + minMillis + " ms" + (minMillis == 1 ? " (millisecond precision)" : "")
                            + ", was " + d);
        }
        return millis;
    }
}
