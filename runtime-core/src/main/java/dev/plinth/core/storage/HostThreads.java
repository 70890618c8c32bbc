package dev.plinth.core.storage;

import java.security.AccessController;
import java.security.PrivilegedAction;

/**
 * Creates the storage engine's worker threads so that they hold on to nothing of the thread that
 * happened to need them. Pools start threads lazily, often on a plugin's thread (its first lock, its
 * first watched write); a thread created there would inherit that plugin's context class loader and, on
 * Java 17, an access-control context holding the plugin's protection domains, and so keep the plugin's
 * class loader reachable for as long as the pool thread lives, long after the plugin was stopped or
 * reloaded. These threads get the runtime's own loader and an empty inherited context. Stateless.
 */
final class HostThreads {
    private HostThreads() {}

    /**
     * @param task what the thread runs
     * @param name its name
     * @return a daemon thread, not started
     */
    // AccessController is deprecated for removal, but on Java 17 a privileged block is the only way to
    // keep Thread's constructor from capturing the caller's protection domains.
    @SuppressWarnings("removal")
    static Thread daemon(Runnable task, String name) {
        Thread t = AccessController.doPrivileged((PrivilegedAction<Thread>) () -> new Thread(task, name));
        t.setDaemon(true);
        t.setContextClassLoader(HostThreads.class.getClassLoader());
        return t;
    }
}
