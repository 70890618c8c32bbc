package dev.plinth.api.plugin;

/**
 * The states a plugin passes through. The runtime enforces these transitions and nothing else; any other
 * transition is a bug and throws {@link IllegalStateException}.
 *
 * <table>
 *   <caption>Allowed transitions</caption>
 *   <tr><th>from</th><th>to</th><th>when</th></tr>
 *   <tr><td>CREATED</td><td>INITIALIZED</td><td>{@code init} returned</td></tr>
 *   <tr><td>CREATED</td><td>FAILED</td><td>{@code init} threw or overran the start timeout</td></tr>
 *   <tr><td>CREATED</td><td>STOPPED</td><td>startup was rolled back before this plugin's {@code init}</td></tr>
 *   <tr><td>INITIALIZED</td><td>STARTED</td><td>{@code start} returned</td></tr>
 *   <tr><td>INITIALIZED</td><td>FAILED</td><td>{@code start} threw or overran the start timeout</td></tr>
 *   <tr><td>INITIALIZED</td><td>STOPPED</td><td>{@code shutdown} ran (rollback before start)</td></tr>
 *   <tr><td>STARTED</td><td>STOPPED</td><td>{@code shutdown} ran</td></tr>
 *   <tr><td>FAILED</td><td>STOPPED</td><td>{@code shutdown} ran after a failure, or was skipped after an
 *       overrun</td></tr>
 * </table>
 *
 * {@code STOPPED} is final. A plugin in {@code FAILED} because its {@code init} or {@code start} threw still
 * gets its {@code shutdown()} so that it can release what {@code init} acquired; one whose call overran does
 * not, since its abandoned thread may still be inside that call.
 */
public enum PluginState {
    /** Discovered and ordered; {@code init} not yet called. */
    CREATED,
    /** {@code init} returned normally. */
    INITIALIZED,
    /** {@code start} returned normally. */
    STARTED,
    /** {@code init} or {@code start} threw, or overran the start timeout. */
    FAILED,
    /**
     * {@code shutdown} was called (whatever it did), or the plugin was never initialised, or it was
     * abandoned in an overrunning {@code init} or {@code start}; final.
     */
    STOPPED;

    /**
     * @param next the state to move to
     * @return {@code true} when the table above allows moving from this state to {@code next}
     */
    public boolean canMoveTo(PluginState next) {
        switch (this) {
            case CREATED:
                return next == INITIALIZED || next == FAILED || next == STOPPED;
            case INITIALIZED:
                return next == STARTED || next == FAILED || next == STOPPED;
            case STARTED:
            case FAILED:
                return next == STOPPED;
            default:
                return false;
        }
    }
}
