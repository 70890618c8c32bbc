package dev.plinth.provider.sqlite;

import dev.plinth.api.storage.NotACounterException;

/** Reads a counter value: the ASCII decimal text of a {@code long}. */
final class Counters {
    private Counters() {
    }

    /**
     * @param key the key, for the message
     * @param value the stored bytes
     * @return the number
     * @throws NotACounterException when the bytes are not a decimal {@code long}
     */
    static long parse(String key, byte[] value) {
        int n = value.length;
        int start = n > 0 && (value[0] == '-' || value[0] == '+') ? 1 : 0;
        if (n == start || n > 20) {
            throw new NotACounterException(key, "its value is not the decimal text of a long");
        }
        for (int i = start; i < n; i++) {
            if (value[i] < '0' || value[i] > '9') {
                throw new NotACounterException(key, "its value is not the decimal text of a long");
            }
        }
        try {
            return Long.parseLong(new String(value, 0, n, java.nio.charset.StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw new NotACounterException(key, "its value is outside the range of a long");
        }
    }
}
