package dev.plinth.spi.storage;

import dev.plinth.api.health.Health;

/**
 * Optional part: a cheap check that the backend can serve requests now, for the runtime's health report.
 * Without it the runtime reads one absent key in a namespace of its own through
 * {@link StorageBackend#read}, which tells "reachable" but not why not.
 *
 * <p>A probe answers within the backend's own operation timeout (Redis: one {@code PING} bounded by the
 * read timeout; SQLite: one read on the file; jsonfile: the folder lock still held and the journal
 * writable). The runtime calls it at most once at a time, on a thread of its own, bounded again by
 * {@code plinth.health.timeout}, and only when a report is asked for and the cached one is stale, so it need
 * not be faster than an ordinary call. Thread-safe.
 */
public interface HealthProbe {

    /**
     * @return {@link Health#up()} (details welcome: endpoint, latency) when the backend serves requests;
     *     {@link Health#down(String)} naming what is wrong (the server, the file, the cause; never a secret)
     *     otherwise. A backend that is closed is DOWN.
     * @throws RuntimeException never on purpose; a probe that throws is reported DOWN with the exception as
     *     its reason
     */
    Health probe();
}
