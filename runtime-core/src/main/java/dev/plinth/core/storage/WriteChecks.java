package dev.plinth.core.storage;

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

    private void checkSize(String key, long size) {
        if (size > maxValueBytes) {
            throw new ValueTooLargeException(key, size, maxValueBytes);
        }
    }

    /**
     * @return the TTL in milliseconds
     * @throws IllegalArgumentException when {@code ttl} is zero, negative, under a millisecond or too large
     */
    static long ttlMillis(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("TTL must be positive, was " + ttl
                    + "; omit the TTL for a key that never expires");
        }
        long millis;
        try {
            millis = ttl.toMillis();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("TTL " + ttl + " is too large", e);
        }
        if (millis < 1) {
            throw new IllegalArgumentException("TTL must be at least 1 ms (millisecond precision), was " + ttl);
        }
        // Deadlines are epoch milliseconds; keep now + ttl far from overflow.
        if (millis > Long.MAX_VALUE / 4) {
            throw new IllegalArgumentException("TTL " + ttl + " is too large");
        }
        return millis;
    }
}
