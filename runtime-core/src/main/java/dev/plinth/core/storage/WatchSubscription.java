package dev.plinth.core.storage;

import dev.plinth.api.storage.ChangeEvent;
import dev.plinth.api.storage.ChangeType;
import dev.plinth.api.storage.Subscription;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watch: a bounded buffer drained serially on a pooled thread.
 *
 * <p>Overflow policy: a writer never waits. When {@code capacity} events are buffered, new events are
 * dropped and counted; the first drop of each overflow episode is logged at WARN; once the listener has
 * drained the buffer it receives one {@link ChangeType#OVERFLOW} event carrying the number dropped in
 * that episode, so it knows to re-read. Serial draining keeps per-key write order (the backend reports
 * changes to a key in commit order, and the buffer is FIFO).
 */
final class WatchSubscription implements Subscription {
    private static final Logger LOG = LoggerFactory.getLogger(WatchSubscription.class);
    /** Events delivered per drain task before yielding the thread to other subscriptions. */
    private static final int DRAIN_BATCH = 1024;

    private final Namespace namespace;
    private final GlobPattern pattern;
    private final Consumer<ChangeEvent> listener;
    private final int capacity;
    private final Executor executor;
    private final WatchHub hub;

    private final ConcurrentLinkedQueue<ChangeEvent> buffer = new ConcurrentLinkedQueue<>();
    private final AtomicInteger buffered = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicLong droppedTotal = new AtomicLong();
    private final AtomicLong droppedUnreported = new AtomicLong();
    /** A gap signal itself was dropped: the next OVERFLOW cannot give a count. */
    private final AtomicBoolean gapDropped = new AtomicBoolean();

    private volatile boolean active = true;

    WatchSubscription(
            Namespace namespace,
            GlobPattern pattern,
            Consumer<ChangeEvent> listener,
            int capacity,
            Executor executor,
            WatchHub hub) {
        this.namespace = namespace;
        this.pattern = pattern;
        this.listener = listener;
        this.capacity = capacity;
        this.executor = executor;
        this.hub = hub;
    }

    Namespace namespace() {
        return namespace;
    }

    GlobPattern glob() {
        return pattern;
    }

    /** Called on the writer's thread: never blocks. */
    void offer(ChangeEvent event) {
        if (!active) {
            return;
        }
        if (buffered.incrementAndGet() > capacity) {
            if (event.type() == ChangeType.OVERFLOW) {
                gapDropped.set(true);
            }
            buffered.decrementAndGet();
            droppedTotal.incrementAndGet();
            if (droppedUnreported.getAndIncrement() == 0) {
                LOG.warn(
                        "Watch on '{}' pattern '{}' is {} events behind: dropping events until it catches up; "
                                + "the listener will receive an OVERFLOW event (raise plinth.storage.watchBufferSize or "
                                + "speed up the listener)",
                        namespace,
                        pattern,
                        capacity);
            }
        } else {
            buffer.add(event);
        }
        scheduleDrain();
    }

    /**
     * The backend lost track of changes: queues an {@link ChangeType#OVERFLOW} with an unknown count in
     * stream order, after the events already buffered. Called on the backend's feed thread: never blocks.
     */
    void offerGap() {
        offer(new ChangeEvent(ChangeType.OVERFLOW, namespace.path(), null, 0, ChangeEvent.DROPPED_UNKNOWN));
    }

    private void scheduleDrain() {
        if (active && draining.compareAndSet(false, true)) {
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException closing) {
                draining.set(false);
            }
        }
    }

    private void drain() {
        try {
            int delivered = 0;
            ChangeEvent event;
            while (active && delivered < DRAIN_BATCH && (event = buffer.poll()) != null) {
                buffered.decrementAndGet();
                deliver(event);
                delivered++;
            }
            if (active && buffer.isEmpty()) {
                long dropped = droppedUnreported.getAndSet(0);
                if (dropped > 0) {
                    long count = gapDropped.getAndSet(false) ? ChangeEvent.DROPPED_UNKNOWN : dropped;
                    deliver(new ChangeEvent(ChangeType.OVERFLOW, namespace.path(), null, 0, count));
                }
            }
        } finally {
            draining.set(false);
        }
        if (active && (!buffer.isEmpty() || droppedUnreported.get() > 0)) {
            scheduleDrain();
        }
    }

    private void deliver(ChangeEvent event) {
        try {
            listener.accept(event);
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError) {
                throw (VirtualMachineError) e;
            }
            LOG.warn(
                    "Watch listener on '{}' pattern '{}' threw on {}; the event is skipped, delivery goes on",
                    namespace,
                    pattern,
                    event,
                    e);
        }
    }

    @Override
    public String pattern() {
        return pattern.source();
    }

    @Override
    public boolean isActive() {
        return active;
    }

    /** @return events waiting in the buffer for the listener now */
    int bufferedEvents() {
        return Math.max(0, buffered.get());
    }

    @Override
    public long droppedEvents() {
        return droppedTotal.get();
    }

    @Override
    public void close() {
        if (active) {
            active = false;
            hub.remove(this);
            buffer.clear();
            buffered.set(0);
        }
    }

    @Override
    public String toString() {
        return "Subscription[" + namespace + " '" + pattern + "'" + (active ? "" : " closed") + "]";
    }
}
