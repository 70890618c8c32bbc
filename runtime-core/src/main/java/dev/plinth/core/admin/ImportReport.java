package dev.plinth.core.admin;

import java.util.List;

/**
 * What an import did.
 *
 * @param imported keys written
 * @param skippedExisting keys the target already held, kept ({@link OnConflict#SKIP})
 * @param skippedExpired keys whose expiry passed before they could be written
 * @param errors bad lines skipped with {@link ImportOptions#keepGoing()}, each starting with its line
 *     number (at most the first 100; {@link #errorCount()} counts all)
 * @param errorCount how many bad lines were skipped
 */
public record ImportReport(
        long imported, long skippedExisting, long skippedExpired, List<String> errors, long errorCount) {
    /**
     * @param imported keys written
     * @param skippedExisting keys kept
     * @param skippedExpired keys expired
     * @param errors first bad lines
     * @param errorCount all bad lines
     */
    public ImportReport {
        errors = List.copyOf(errors);
    }
}
