package dev.plinth.core.admin;

/** What an import does with a key that the target already holds (live). */
public enum OnConflict {
    /** Keep the target's key and value; count the line as skipped. */
    SKIP,
    /** Replace the target's value and expiry with the file's. */
    OVERWRITE,
    /** Stop with an {@link ImportConflictException} at that line; the lines before it stay imported. */
    FAIL
}
