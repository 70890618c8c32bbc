package dev.plinth.provider.redis.internal;

import dev.plinth.api.storage.InvalidArgumentException;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.StorageException;
import dev.plinth.spi.storage.Write;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;

/**
 * How values cross the wire: text as UTF-8, numbers as the decimal text Redis and the scripts write, and
 * the refusal of durations the contract does not allow. Stateless and thread-safe.
 */
final class Codec {
    /**
     * Longest TTL and lock lease: {@link KeyValueStore#MAX_DURATION}. The runtime refuses longer ones; a
     * backend called directly refuses them too rather than cap them. Server time plus this stays far below
     * 2^53 ms (exact as a sorted-set score and a Lua number, below the no-expiry score) and within what
     * PEXPIREAT and PX accept.
     */
    static final long MAX_MILLIS = KeyValueStore.MAX_DURATION.toMillis();

    static final byte[] EMPTY = new byte[0];
    private static final byte[][] SMALL_NUMBERS = new byte[256][];

    static {
        for (int i = 0; i < SMALL_NUMBERS.length; i++) {
            SMALL_NUMBERS[i] = bytes(Integer.toString(i));
        }
    }

    private Codec() {}

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String str(Object o) {
        return o instanceof byte[] ? new String((byte[]) o, StandardCharsets.UTF_8) : String.valueOf(o);
    }

    /** The decimal text of {@code n}; the common small counts and a zero TTL share cached arrays. */
    static byte[] number(long n) {
        return n >= 0 && n < SMALL_NUMBERS.length ? SMALL_NUMBERS[(int) n] : bytes(Long.toString(n));
    }

    /** Parses the decimal text of a long that Redis or our scripts wrote, without building a String. */
    static long decimal(byte[] b) {
        int start = b.length > 0 && b[0] == '-' ? 1 : 0;
        // 18 digits cannot overflow a long; anything longer or odd takes the exact, checked path.
        if (b.length == start || b.length - start > 18) {
            return Long.parseLong(new String(b, StandardCharsets.US_ASCII));
        }
        long v = 0;
        for (int i = start; i < b.length; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return Long.parseLong(new String(b, StandardCharsets.US_ASCII));
            }
            v = v * 10 + d;
        }
        return start == 1 ? -v : v;
    }

    /** @return an integer reply, whether Redis sent it as an integer or as text */
    static long asLong(Object o) {
        if (o instanceof Long) {
            return (Long) o;
        }
        if (o instanceof byte[]) {
            return Long.parseLong(str(o));
        }
        throw new StorageException("Unexpected reply from Redis: " + o);
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return o == null ? Collections.emptyList() : (List<Object>) o;
    }

    /** @return {@code ttl} as the scripts take it (0 = never); refuses what the contract does not allow */
    static long ttl(long ttl) {
        if (ttl < 0 || ttl > MAX_MILLIS) {
            throw new InvalidArgumentException(
                    "ttl",
                    ttl + " ms is not a time to live: it must be "
                            + "NO_EXPIRY (0) or 1 ms up to KeyValueStore.MAX_DURATION (" + MAX_MILLIS + " ms)");
        }
        return ttl;
    }

    /** @return a put's ttl as the commit script takes it: {@link #ttl}, or {@link Write#KEEP_EXPIRY} ({@code -1}) */
    static long putTtl(long ttl) {
        return ttl == Write.KEEP_EXPIRY ? ttl : ttl(ttl);
    }

    static long lease(long leaseMillis) {
        if (leaseMillis < 1 || leaseMillis > MAX_MILLIS) {
            throw new InvalidArgumentException(
                    "lease",
                    leaseMillis + " ms is not a lock lease: it must be " + "1 ms up to KeyValueStore.MAX_DURATION ("
                            + MAX_MILLIS + " ms)");
        }
        return leaseMillis;
    }
}
