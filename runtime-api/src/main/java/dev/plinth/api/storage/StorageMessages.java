package dev.plinth.api.storage;

import org.jspecify.annotations.Nullable;

/** Formats user input for exception messages: quoted, escaped and shortened so a message stays readable. */
final class StorageMessages {
    private static final int MAX_SHOWN = 80;

    private StorageMessages() {}

    static String quote(@Nullable String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_SHOWN) + 16).append('\'');
        int shown = 0;
        for (int i = 0; i < s.length() && shown < MAX_SHOWN; i++, shown++) {
            char c = s.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || (Character.isSurrogate(c) && !pairedAt(s, i))) {
                b.append(String.format("\\u%04X", (int) c));
            } else {
                b.append(c);
            }
        }
        b.append('\'');
        if (s.length() > MAX_SHOWN) {
            b.append("... (").append(s.length()).append(" chars)");
        }
        return b.toString();
    }

    private static boolean pairedAt(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
