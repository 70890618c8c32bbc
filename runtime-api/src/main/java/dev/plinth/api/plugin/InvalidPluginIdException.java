package dev.plinth.api.plugin;

import dev.plinth.api.PlinthException;
import org.jspecify.annotations.Nullable;

/**
 * A plugin id or nested namespace name breaks the grammar of {@link PluginIds}. The message quotes the id and names
 * the rule broken.
 */
public class InvalidPluginIdException extends PlinthException {
    private static final long serialVersionUID = 1L;
    /** The id, kept for callers that handle this exception. */
    private final @Nullable String id;

    /**
     * @param id the rejected id, may be {@code null}
     * @param problem which rule it breaks
     */
    public InvalidPluginIdException(@Nullable String id, String problem) {
        super("Invalid id " + (id == null ? "null" : "'" + id + "'") + ": " + problem + " (allowed: 1-"
                + PluginIds.MAX_LENGTH + " characters of a-z 0-9 . - _)");
        this.id = id;
    }

    /**
     * @return the rejected id, may be {@code null}
     */
    public @Nullable String id() {
        return id;
    }
}
