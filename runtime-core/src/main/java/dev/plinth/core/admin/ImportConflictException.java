package dev.plinth.core.admin;

import dev.plinth.api.PlinthException;

/**
 * An import with {@link OnConflict#FAIL} met a key that the target already holds. The lines before it were
 * imported, none from it on; the key in the target was left as it was.
 */
public class ImportConflictException extends PlinthException {
    private static final long serialVersionUID = 1L;

    private final long lineNumber;

    /**
     * @param lineNumber the 1-based line of the conflicting key
     * @param scope its scope
     * @param key the key
     */
    public ImportConflictException(long lineNumber, String scope, String key) {
        super("line " + lineNumber + ": key '" + key + "' already exists in scope '" + scope
                + "' of the target (on-conflict is fail; use skip or overwrite to go on)");
        this.lineNumber = lineNumber;
    }

    /** @return the 1-based line of the conflicting key */
    public long lineNumber() {
        return lineNumber;
    }
}
