package dev.plinth.spi.storage;

import java.time.InstantSource;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What the runtime hands a backend when it opens it: where to report changes, the clock to read, and a
 * scheduler for background work. New needs become new methods here (with defaults), so
 * {@link StorageProvider#open(ProviderConfig, BackendContext)} never has to change shape again.
 *
 * <p>Implementations are thread-safe. Tests pass a context with a fake clock.
 */
public interface BackendContext {

    /**
     * @return where a backend that implements {@link ChangeFeed} reports every committed change; a backend
     *     without a change feed never calls it (the runtime reports its changes from commit results)
     */
    ChangeListener changes();

    /**
     * The clock expiry is measured against: a key is live while {@code expiresAtMillis == NO_EXPIRY} or
     * {@code expiresAtMillis > clock().millis()} (see {@link Expiry}). Backends whose server keeps the time
     * (Redis) use the server's clock instead and say so.
     *
     * @return the runtime's clock; never {@code null}
     */
    InstantSource clock();

    /**
     * A scheduler for the background work of this one open backend and the runtime's work for it (expiry
     * sweeps, feed polls), on one thread. Tasks should be short: a task may wait for a shared resource only
     * within the backend's own configured timeout (SQLite's busy timeout, say), and while it waits the
     * other background tasks of this backend wait too. The runtime shuts the scheduler down after
     * {@link StorageBackend#close()} returns, so a backend need cancel nothing, but must tolerate a task
     * running during its close.
     *
     * @return the scheduler; never {@code null}
     */
    ScheduledExecutorService scheduler();

    /**
     * A context for a backend opened outside a runtime (tools, tests): system clock, changes ignored, and a
     * single daemon scheduler thread that the caller shuts down.
     *
     * @param scheduler the scheduler to use
     * @return the context
     */
    static BackendContext standalone(ScheduledExecutorService scheduler) {
        return new BackendContext() {
            @Override
            public ChangeListener changes() {
                return ChangeListener.NONE;
            }

            @Override
            public InstantSource clock() {
                return InstantSource.system();
            }

            @Override
            public ScheduledExecutorService scheduler() {
                return scheduler;
            }
        };
    }
}
