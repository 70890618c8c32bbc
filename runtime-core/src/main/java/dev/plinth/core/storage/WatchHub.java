package dev.plinth.core.storage;

import dev.plinth.api.storage.ChangeEvent;
import dev.plinth.api.storage.ChangeType;
import dev.plinth.core.health.WatchBacklog;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives every committed change from the backend and hands it to the subscriptions of that exact
 * namespace whose pattern matches. Runs on the writer's thread, so it only matches and enqueues: no lock,
 * no I/O, no listener code. A change to a namespace nobody watches costs one map lookup.
 */
final class WatchHub implements ChangeListener {
    private static final Logger LOG = LoggerFactory.getLogger(WatchHub.class);
    private final Map<Namespace, List<WatchSubscription>> byNamespace = new ConcurrentHashMap<>();
    private final ExecutorService delivery;
    private final int bufferSize;
    /** Guards {@link #watches} and the backend's watched state: watch and close are rare, never hot. */
    private final Object watchedLock = new Object();

    private BackendOps backend;
    private int watches;

    WatchHub(int bufferSize) {
        this.bufferSize = bufferSize;
        AtomicInteger threads = new AtomicInteger();
        // A cached pool: each subscription drains serially on one pooled thread, so a slow listener holds
        // at most one thread and never delays another subscription; idle threads go away.
        this.delivery =
                Executors.newCachedThreadPool(r -> HostThreads.daemon(r, "plinth-watch-" + threads.incrementAndGet()));
    }

    @Override
    public void onChange(Namespace namespace, ChangeType type, String key, long version) {
        List<WatchSubscription> subs = byNamespace.get(namespace);
        if (subs == null || subs.isEmpty()) {
            return;
        }
        ChangeEvent event = null;
        for (WatchSubscription sub : subs) {
            if (type == ChangeType.CLEAR || (key != null && sub.glob().matches(key))) {
                if (event == null) {
                    event = new ChangeEvent(type, namespace.path(), key, version, 0);
                }
                sub.offer(event);
            }
        }
    }

    /** The backend lost track of changes: every watch, of every namespace, is told to re-read. */
    @Override
    public void onChangesMissed(String cause) {
        int told = 0;
        for (List<WatchSubscription> subs : byNamespace.values()) {
            for (WatchSubscription sub : subs) {
                sub.offerGap();
                told++;
            }
        }
        if (told > 0) {
            LOG.warn(
                    "Storage changes may have gone unreported ({}); {} watch(es) get an OVERFLOW event to re-read",
                    cause,
                    told);
        }
    }

    /**
     * Connects the backend whose changes this hub receives, and tells it nothing watches yet, so that a
     * feed that costs per change can rest until the first watch.
     */
    void attach(BackendOps backend) {
        synchronized (watchedLock) {
            this.backend = backend;
            try {
                backend.setWatched(watches > 0);
            } catch (RuntimeException e) {
                // Only a hint that saves the backend work: its feed keeps running, which is always correct.
                LOG.warn("Storage backend {} failed to stop its change feed while nothing watches", backend, e);
            }
        }
    }

    /**
     * Registers a watch; the first one wakes the backend's change feed, and returns only once changes
     * committed from then on will be reported (see {@link dev.plinth.spi.storage.ChangeFeed#setWatched}).
     */
    WatchSubscription subscribe(Namespace namespace, GlobPattern pattern, Consumer<ChangeEvent> listener) {
        WatchSubscription sub = new WatchSubscription(namespace, pattern, listener, bufferSize, delivery, this);
        synchronized (watchedLock) {
            byNamespace
                    .computeIfAbsent(namespace, ns -> new CopyOnWriteArrayList<>())
                    .add(sub);
            if (++watches == 1 && backend != null) {
                try {
                    backend.setWatched(true);
                } catch (RuntimeException e) {
                    unregister(sub);
                    throw e;
                }
            }
        }
        return sub;
    }

    /** Unregisters a watch; after the last one the backend may stop its change feed. */
    void remove(WatchSubscription sub) {
        synchronized (watchedLock) {
            if (unregister(sub) && watches == 0 && backend != null) {
                try {
                    backend.setWatched(false);
                } catch (RuntimeException e) {
                    LOG.warn("Storage backend failed to stop its change feed after the last watch closed", e);
                }
            }
        }
    }

    /** @return whether {@code sub} was registered; caller holds {@link #watchedLock} */
    private boolean unregister(WatchSubscription sub) {
        boolean[] removed = new boolean[1];
        byNamespace.computeIfPresent(sub.namespace(), (ns, list) -> {
            removed[0] = list.remove(sub);
            return list.isEmpty() ? null : list;
        });
        if (removed[0]) {
            watches--;
        }
        return removed[0];
    }

    /** @return per plugin id: its active watches and the events buffered for their listeners, in plugin order */
    Map<String, WatchBacklog> backlog() {
        Map<String, int[]> figures = new java.util.TreeMap<>();
        for (Map.Entry<Namespace, List<WatchSubscription>> e : byNamespace.entrySet()) {
            for (WatchSubscription sub : e.getValue()) {
                int[] f = figures.computeIfAbsent(e.getKey().pluginId(), id -> new int[2]);
                f[0]++;
                f[1] += sub.bufferedEvents();
            }
        }
        Map<String, WatchBacklog> backlog = new java.util.LinkedHashMap<>();
        figures.forEach((id, f) -> backlog.put(id, new WatchBacklog(f[0], f[1])));
        return backlog;
    }

    int activeSubscriptions() {
        int n = 0;
        for (List<WatchSubscription> list : byNamespace.values()) {
            n += list.size();
        }
        return n;
    }

    void close() {
        for (List<WatchSubscription> list : byNamespace.values()) {
            for (WatchSubscription sub : list) {
                sub.close();
            }
        }
        byNamespace.clear();
        delivery.shutdown();
    }
}
