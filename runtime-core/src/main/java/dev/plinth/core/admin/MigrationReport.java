package dev.plinth.core.admin;

import java.util.List;

/**
 * What a migration copied and what its verification found.
 *
 * @param source the source provider id
 * @param target the target provider id
 * @param scopes one result per scope, in scope order
 * @param millis the wall time of the run
 * @param verifyMillis the part of it spent verifying (reading both sides again)
 * @param sourceWaitMillis the part of the copy spent waiting for the source's next page (the rest of the copy
 *     is the target's writes): where a slow copy loses its time
 */
public record MigrationReport(
        String source, String target, List<ScopeResult> scopes, long millis, long verifyMillis, long sourceWaitMillis) {
    /**
     * @param source the source provider
     * @param target the target provider
     * @param scopes per-scope results
     * @param millis wall time
     * @param verifyMillis time spent verifying
     * @param sourceWaitMillis time the copy waited for the source
     */
    public MigrationReport {
        scopes = List.copyOf(scopes);
    }

    /** @return {@code true} when every scope verified */
    public boolean ok() {
        return scopes.stream().allMatch(ScopeResult::verified);
    }

    /** @return keys copied in this run (scopes finished by an earlier run not counted) */
    public long copied() {
        return scopes.stream().mapToLong(ScopeResult::copied).sum();
    }

    /**
     * One scope's outcome. The checksum is SHA-256 over every live key and value in key order (not versions,
     * which the target assigns, nor expiries, which move with the clock).
     *
     * @param scope the scope path
     * @param copied keys copied in this run; 0 when an earlier run had finished the scope
     * @param resumed whether an earlier run had finished it (it was verified again, not copied)
     * @param sourceCount live keys in the source at verification
     * @param targetCount live keys in the target at verification
     * @param sourceChecksum the source's checksum
     * @param targetChecksum the target's checksum
     */
    public record ScopeResult(
            String scope,
            long copied,
            boolean resumed,
            long sourceCount,
            long targetCount,
            String sourceChecksum,
            String targetChecksum) {
        /** @return whether counts and checksums agree */
        public boolean verified() {
            return sourceCount == targetCount && sourceChecksum.equals(targetChecksum);
        }
    }
}
