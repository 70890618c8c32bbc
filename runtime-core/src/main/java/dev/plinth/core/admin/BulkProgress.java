package dev.plinth.core.admin;

/**
 * Told how far a long export, import or migration has got, for a progress bar. Called on the thread doing the
 * work after each page (a few hundred to a few thousand keys), so an implementation must be quick, must not
 * block and must not throw; it decides itself how often to redraw.
 */
@FunctionalInterface
public interface BulkProgress {
    /** Ignores every update. */
    BulkProgress NONE = (phase, done, total) -> {};

    /**
     * @param phase what is being done: {@code export}, {@code import}, {@code copy} or {@code verify}
     * @param done keys done so far in this phase, growing from update to update of one phase
     * @param total keys this phase is expected to handle (counted before it started, so writers meanwhile can
     *     make {@code done} pass it), or {@code -1} when not known
     */
    void update(String phase, long done, long total);
}
