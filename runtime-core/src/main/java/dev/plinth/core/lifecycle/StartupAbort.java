package dev.plinth.core.lifecycle;

/**
 * Lets {@code close()} (or the JVM shutdown hook) cut a startup short instead of waiting for every
 * remaining {@code init} and {@code start}: {@link #request()} marks the startup aborted and interrupts the
 * starting thread, which is waiting in {@link BoundedCall} for a plugin; that call interrupts the plugin's
 * own thread, gives it the shutdown bound to return, and the lifecycle then rolls back what was started.
 *
 * <p>The interrupt this class sends is the runtime's own, so the starting thread clears it
 * ({@link #clearOwnInterrupt()}) before rolling back; otherwise every rollback {@code shutdown()} would be
 * cut short too. Both happen under this object's monitor, so an interrupt cannot arrive after it was
 * cleared. Thread-safe.
 */
public final class StartupAbort {
    private final Thread starter;
    private volatile boolean requested;

    /** @param starter the thread that runs the startup */
    public StartupAbort(Thread starter) {
        this.starter = starter;
    }

    /**
     * Asks the startup to stop and roll back. Idempotent.
     *
     * @return {@code true} the first time
     */
    public synchronized boolean request() {
        if (requested) {
            return false;
        }
        requested = true;
        starter.interrupt();
        return true;
    }

    /**
     * @param thread a thread
     * @return {@code true} when it is the one running the startup
     */
    public boolean isStarter(Thread thread) {
        return thread == starter;
    }

    /** @return {@code true} once {@link #request()} was called */
    public boolean requested() {
        return requested;
    }

    /**
     * On the starting thread, after an abort was requested: clears the interrupt {@link #request()} sent.
     * Does nothing otherwise, so an interrupt from the host stays visible.
     */
    public synchronized void clearOwnInterrupt() {
        if (requested && Thread.currentThread() == starter) {
            Thread.interrupted();
        }
    }
}
