package dev.plinth.spi.storage;

/**
 * The one test of "is this Unicode text": no unpaired surrogate (a UTF-16 half with no other half, which
 * no Unicode scalar value is and which UTF-8 cannot encode). Keys, patterns, cursors and string values
 * all pass it before anything is stored or sent. Stateless and thread-safe.
 */
public final class UnicodeText {
    private UnicodeText() {}

    /**
     * @param s the text
     * @return the index of the first unpaired surrogate in {@code s}, or -1 when there is none
     */
    public static int unpairedSurrogate(CharSequence s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }

    /**
     * For JSON written by a generator that escapes surrogates ({@code \uD83D\uDE00}, as Jackson does): finds a
     * {@code \\uXXXX} escape of a surrogate that no escape of its other half follows or precedes. Backslashes
     * occur in JSON only inside strings, each starting an escape, so scanning the bytes is exact.
     *
     * @param json UTF-8 JSON text
     * @return the unpaired surrogate's code unit, or -1 when every escaped surrogate is paired
     */
    public static int unpairedSurrogateEscape(byte[] json) {
        int n = json.length;
        int pendingHigh = -1;
        for (int i = 0; i < n; i++) {
            if (json[i] != '\\') {
                if (pendingHigh >= 0) {
                    return pendingHigh;
                }
                continue;
            }
            if (i + 1 < n && json[i + 1] == 'u' && i + 5 < n) {
                int unit = hex(json, i + 2);
                if (unit >= 0 && Character.isHighSurrogate((char) unit)) {
                    if (pendingHigh >= 0) {
                        return pendingHigh;
                    }
                    pendingHigh = unit;
                } else if (unit >= 0 && Character.isLowSurrogate((char) unit)) {
                    if (pendingHigh < 0) {
                        return unit;
                    }
                    pendingHigh = -1;
                } else if (pendingHigh >= 0) {
                    return pendingHigh;
                }
                i += 5;
            } else {
                if (pendingHigh >= 0) {
                    return pendingHigh;
                }
                i++;
            }
        }
        return pendingHigh;
    }

    private static int hex(byte[] b, int at) {
        int v = 0;
        for (int k = at; k < at + 4; k++) {
            int d = Character.digit(b[k], 16);
            if (d < 0) {
                return -1;
            }
            v = v * 16 + d;
        }
        return v;
    }
}
