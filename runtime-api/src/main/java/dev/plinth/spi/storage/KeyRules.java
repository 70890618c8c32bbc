package dev.plinth.spi.storage;

import dev.plinth.api.storage.InvalidKeyException;
import dev.plinth.api.storage.KeyValueStore;
import java.util.Comparator;
import org.jspecify.annotations.Nullable;

/**
 * The key rules of {@link KeyValueStore} and the key order of listings, in one place for the runtime and
 * every provider. Thread-safe.
 */
public final class KeyRules {

    /**
     * Orders strings by their UTF-8 bytes, which is code point order. Differs from
     * {@link String#compareTo} (UTF-16 order) for characters above U+FFFF against U+E000-U+FFFF.
     */
    public static final Comparator<String> UTF8_ORDER = KeyRules::compareUtf8;

    private KeyRules() {}

    /**
     * Validates a key.
     *
     * @param key the key
     * @return the key, unchanged
     * @throws InvalidKeyException when {@code key} is {@code null}, empty, longer than
     *     {@value KeyValueStore#MAX_KEY_BYTES} UTF-8 bytes, or contains a control character or an unpaired
     *     surrogate; the message quotes the key and names the rule
     */
    public static String validate(@Nullable String key) {
        if (key == null) {
            throw new InvalidKeyException(null, "key is null");
        }
        int n = key.length();
        if (n == 0) {
            throw new InvalidKeyException(key, "key is empty");
        }
        if (n > KeyValueStore.MAX_KEY_BYTES) {
            // Each char is at least one UTF-8 byte: no need to count.
            throw new InvalidKeyException(key, "key is longer than " + KeyValueStore.MAX_KEY_BYTES + " UTF-8 bytes");
        }
        int bytes = 0;
        for (int i = 0; i < n; i++) {
            char c = key.charAt(i);
            if (c < 0x80) {
                if (c < 0x20 || c == 0x7f) {
                    throw new InvalidKeyException(
                            key, String.format("control character U+%04X at index %d", (int) c, i));
                }
                bytes += 1;
            } else if (c < 0x800) {
                if (c <= 0x9f) {
                    throw new InvalidKeyException(
                            key, String.format("control character U+%04X at index %d", (int) c, i));
                }
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 >= n || !Character.isLowSurrogate(key.charAt(i + 1))) {
                    throw new InvalidKeyException(key, "unpaired surrogate at index " + i);
                }
                bytes += 4;
                i++;
            } else if (Character.isLowSurrogate(c)) {
                throw new InvalidKeyException(key, "unpaired surrogate at index " + i);
            } else {
                bytes += 3;
            }
        }
        if (bytes > KeyValueStore.MAX_KEY_BYTES) {
            throw new InvalidKeyException(
                    key, "key is " + bytes + " UTF-8 bytes, more than " + KeyValueStore.MAX_KEY_BYTES);
        }
        return key;
    }

    /**
     * Compares by UTF-8 bytes (code points) without encoding.
     *
     * @param a a string
     * @param b another string
     * @return negative, zero or positive as {@code a} sorts before, with or after {@code b}
     */
    public static int compareUtf8(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char ca = a.charAt(i);
            char cb = b.charAt(i);
            if (ca != cb) {
                // Surrogates (D800-DFFF) encode code points above FFFF, which sort after E000-FFFF in
                // UTF-8 but before them in UTF-16; lift surrogates above every other char to fix that.
                boolean sa = Character.isSurrogate(ca);
                boolean sb = Character.isSurrogate(cb);
                if (sa != sb) {
                    return sa ? 1 : -1;
                }
                return ca - cb;
            }
        }
        return a.length() - b.length();
    }
}
