package dev.plinth.api.plugin;

import org.jspecify.annotations.Nullable;

/**
 * The grammar of plugin ids and storage nested namespace names: 1 to 64 characters, each a lower-case ASCII letter,
 * a digit, {@code .}, {@code -} or {@code _}. Because {@code /}, {@code :} and braces never occur in an
 * id, an id can be used as a namespace segment without escaping.
 */
public final class PluginIds {
    /** The longest id accepted. */
    public static final int MAX_LENGTH = 64;

    private PluginIds() {}

    /**
     * @param id a candidate id, may be {@code null}
     * @return {@code true} when {@code id} satisfies the grammar
     */
    public static boolean isValid(@Nullable String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param id a candidate id
     * @return {@code id}, unchanged
     * @throws InvalidPluginIdException when {@code id} is {@code null} or breaks the grammar; the message
     *     quotes the id and says which rule it breaks
     */
    public static String validate(@Nullable String id) {
        if (id != null && isValid(id)) {
            return id;
        }
        throw new InvalidPluginIdException(id, describeProblem(id));
    }

    static String describeProblem(@Nullable String id) {
        if (id == null) {
            return "id is null";
        }
        if (id.isEmpty()) {
            return "id is empty";
        }
        if (id.length() > MAX_LENGTH) {
            return "id has " + id.length() + " characters, more than " + MAX_LENGTH;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_')) {
                return String.format("character '%s' (U+%04X) at index %d is not allowed", c, (int) c, i);
            }
        }
        return "id is invalid";
    }
}
