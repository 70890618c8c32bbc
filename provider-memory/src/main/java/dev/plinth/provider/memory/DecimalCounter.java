package dev.plinth.provider.memory;

import dev.plinth.api.storage.NotACounterException;
import java.nio.charset.StandardCharsets;

/** Reads and writes counters as the decimal ASCII text of a {@code long}, the format every provider shares. */
final class DecimalCounter {
    /** "-9223372036854775808" is the longest decimal long. */
    private static final int MAX_CHARS = 20;

    private DecimalCounter() {
    }

    /**
     * @param key the key, for the error message
     * @param value the stored bytes
     * @return the counter value
     * @throws NotACounterException when the bytes are not an optional sign and ASCII digits fitting a long
     */
    static long parse(String key, byte[] value) {
        int n = value.length;
        int start = n > 0 && (value[0] == '-' || value[0] == '+') ? 1 : 0;
        if (n == start || n > MAX_CHARS) {
            throw notACounter(key, value);
        }
        // Long.parseLong alone would also accept non-ASCII digits; the bytes must be plain ASCII.
        for (int i = start; i < n; i++) {
            if (value[i] < '0' || value[i] > '9') {
                throw notACounter(key, value);
            }
        }
        try {
            return Long.parseLong(new String(value, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw new NotACounterException(key, "value is outside the range of a long");
        }
    }

    static long add(String key, long current, long delta) {
        try {
            return Math.addExact(current, delta);
        } catch (ArithmeticException e) {
            throw new NotACounterException(key, "adding " + delta + " to " + current + " overflows a long");
        }
    }

    static byte[] encode(long value) {
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }

    private static NotACounterException notACounter(String key, byte[] value) {
        return new NotACounterException(key, "value is not the decimal text of a long (" + value.length
                + " bytes)");
    }
}
