package dev.plinth.spi.storage;

import dev.plinth.api.storage.NotACounterException;
import java.nio.charset.StandardCharsets;

/**
 * The one counter format every provider reads and writes, so that {@code increment} accepts and refuses
 * the same values everywhere: the canonical ASCII decimal text of a {@code long}, as {@link Long#toString}
 * writes it. That is {@code 0}, or an optional {@code -} followed by a digit 1-9 and more digits, within
 * {@link Long#MIN_VALUE}..{@link Long#MAX_VALUE}. No {@code +}, no leading zeros, no {@code -0}, no
 * spaces, no other digits than ASCII. It is also the rule Redis's {@code INCRBY} applies, so a provider
 * may let its server check it.
 *
 * <p>Stateless and thread-safe.
 */
public final class Counters {
    /** {@code "-9223372036854775808"} is the longest canonical long. */
    private static final int MAX_CHARS = 20;

    private Counters() {}

    /**
     * @param key the key, for the error message
     * @param value the stored bytes
     * @return the counter value
     * @throws NotACounterException naming the key when {@code value} is not a canonical decimal long
     * @throws NullPointerException when {@code value} is {@code null}
     */
    public static long parse(String key, byte[] value) {
        int n = value.length;
        if (n == 0 || n > MAX_CHARS) {
            throw notACounter(key, value);
        }
        int start = value[0] == '-' ? 1 : 0;
        if (n == start || value[start] < '0' || value[start] > '9' || (value[start] == '0' && n > 1)) {
            throw notACounter(key, value);
        }
        long negative = 0;
        for (int i = start; i < n; i++) {
            byte b = value[i];
            if (b < '0' || b > '9') {
                throw notACounter(key, value);
            }
            // Accumulate negatively so Long.MIN_VALUE parses without overflow.
            long next = negative * 10 - (b - '0');
            if (negative < Long.MIN_VALUE / 10 || next > negative) {
                throw new NotACounterException(key, "its value is outside the range of a long");
            }
            negative = next;
        }
        if (start == 1) {
            return negative;
        }
        if (negative == Long.MIN_VALUE) {
            throw new NotACounterException(key, "its value is outside the range of a long");
        }
        return -negative;
    }

    /**
     * @param key the key, for the error message
     * @param current the counter's value
     * @param delta the amount to add
     * @return the sum
     * @throws NotACounterException naming the key when the sum overflows a {@code long}
     */
    public static long add(String key, long current, long delta) {
        long sum = current + delta;
        if (((current ^ sum) & (delta ^ sum)) < 0) {
            throw new NotACounterException(key, "adding " + delta + " to " + current + " overflows a long");
        }
        return sum;
    }

    /**
     * @param value a counter value
     * @return its canonical text as ASCII bytes, which {@link #parse} reads back
     */
    public static byte[] format(long value) {
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }

    private static NotACounterException notACounter(String key, byte[] value) {
        return new NotACounterException(
                key,
                "its value is not the canonical decimal text of a long ("
                        + value.length + " bytes; counters are written as Long.toString writes them, without '+' or"
                        + " leading zeros)");
    }
}
