package dev.plinth.provider.redis.internal;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.Namespace;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;

/**
 * Subscribes to the prefix's change channel on a dedicated connection and thread, and reports every
 * message (this process's writes and other processes') to the {@link ChangeListener} exactly once. The
 * scripts publish in the same atomic step that commits, so the channel carries changes in commit order.
 *
 * <p>When the connection breaks, the thread reconnects with a capped back-off; changes committed while it
 * was disconnected are not reported (Redis Pub/Sub keeps no history). That is logged at WARN, and once
 * subscribed again the feed calls {@link ChangeListener#onChangesMissed} so that watchers re-read.
 *
 * <p>The thread is its own ({@code plinth-redis-changes}), not the runtime's scheduler, since it blocks
 * reading the subscription for as long as it runs.
 */
final class ChangeSubscriber implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeSubscriber.class);

    private final Supplier<HostAndPort> target;
    private final JedisClientConfig config;
    private final byte[] channel;
    private final ChangeListener listener;
    private final String endpoint;
    /**
     * Run when a working subscription breaks, and when the feed subscribes again after a gap: the server
     * may have closed every connection, pooled ones too.
     */
    private final Runnable onLost;

    private final Thread thread;
    private final CountDownLatch firstSubscription = new CountDownLatch(1);
    /** Released by the first attempt's outcome: subscribed, or failed. */
    private final CountDownLatch firstAttempt = new CountDownLatch(1);

    private volatile boolean closed;
    private volatile Connection connection;
    private volatile Listener pubSub;
    private volatile Throwable fatal;
    /** A working subscription was lost: the next one must say that changes went unreported meanwhile. */
    private volatile boolean lostSubscription;
    /** {@link #start} gave up waiting; settled against the first subscription by compare-and-set. */
    private final AtomicBoolean startGaveUp = new AtomicBoolean();

    private final AtomicBoolean firstSubscribed = new AtomicBoolean();

    ChangeSubscriber(
            Supplier<HostAndPort> target,
            JedisClientConfig config,
            byte[] channel,
            ChangeListener listener,
            String endpoint,
            Runnable onLost) {
        this.target = target;
        this.onLost = onLost;
        this.config = config;
        this.channel = channel;
        this.listener = listener;
        this.endpoint = endpoint;
        this.thread = new Thread(this::run, "plinth-redis-changes");
        this.thread.setDaemon(true);
    }

    /**
     * Starts the thread and waits for the first subscription so that every change committed after the
     * return is reported. Waits at most {@code timeoutMillis}, and no longer than the first attempt takes:
     * when that fails (server down, frozen past the read timeout) the caller goes on at once, as a call on
     * the pool would fail by then, and the thread keeps trying.
     *
     * @return {@code true} when subscribed
     */
    boolean start(long timeoutMillis) throws InterruptedException {
        thread.start();
        firstAttempt.await(timeoutMillis, TimeUnit.MILLISECONDS);
        if (firstSubscribed.get()) {
            return fatal == null;
        }
        return !giveUpWaiting() && fatal == null;
    }

    /**
     * The caller goes on without waiting for the first subscription: when it comes, it reports a gap.
     *
     * @return {@code false} when the first subscription had come after all, and nothing was missed
     */
    boolean giveUpWaiting() {
        startGaveUp.set(true);
        return !firstSubscribed.get();
    }

    private void run() {
        try {
            loop();
        } catch (Error e) {
            // A broken installation (a missing Jedis dependency): stop and let open() report it.
            fatal = e;
            firstSubscription.countDown();
            firstAttempt.countDown();
            LOG.error("Change feed for Redis at {} stopped: {}", endpoint, e.toString());
        }
    }

    /** @return the error that stopped the feed thread, or {@code null} */
    Throwable fatal() {
        return fatal;
    }

    private void loop() {
        long backoff = 50;
        boolean gap = false;
        while (!closed) {
            Connection c = null;
            Listener l = null;
            try {
                c = new Connection(target.get(), config);
                connection = c;
                if (closed) {
                    break;
                }
                l = new Listener();
                pubSub = l;
                if (gap) {
                    LOG.info("Change feed reconnected to Redis at {}", endpoint);
                    gap = false;
                }
                backoff = 50;
                l.proceed(c, channel);
            } catch (RuntimeException e) {
                if (closed) {
                    break;
                }
                // WARN once per outage (when a working subscription is lost), DEBUG for each failed retry.
                if (firstSubscription.getCount() == 0) {
                    lostSubscription = true;
                }
                if (l != null && l.subscribed) {
                    onLost.run();
                }
                firstAttempt.countDown();
                if (!gap) {
                    LOG.warn(
                            "Change feed lost Redis at {} ({}); reconnecting. Changes made meanwhile are not reported"
                                    + " to watchers.",
                            endpoint,
                            e.toString());
                    gap = true;
                } else {
                    LOG.debug("Change feed still cannot reach Redis at {}: {}", endpoint, e.toString());
                }
            } finally {
                if (c != null) {
                    try {
                        c.close();
                    } catch (RuntimeException ignored) {
                        // Already broken; nothing more to release.
                    }
                }
                connection = null;
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                break;
            }
            backoff = Math.min(backoff * 2, 1000);
        }
    }

    private final class Listener extends BinaryJedisPubSub {
        /** Whether this connection's subscription was confirmed. */
        volatile boolean subscribed;

        @Override
        public void onSubscribe(byte[] ch, int count) {
            subscribed = true;
            boolean first = firstSubscribed.compareAndSet(false, true);
            firstSubscription.countDown();
            firstAttempt.countDown();
            if (first && startGaveUp.get()) {
                lostSubscription = true;
            }
            if (lostSubscription) {
                lostSubscription = false;
                // Back after a gap: the server may have restarted, leaving dead connections in the pool.
                onLost.run();
                // Only now: a watcher that re-reads on this signal sees every change after it.
                listener.onChangesMissed("the change feed for Redis at " + endpoint
                        + " was not subscribed for a while; changes made meanwhile were not received");
            }
        }

        @Override
        public void onMessage(byte[] ch, byte[] message) {
            try {
                dispatch(message);
            } catch (RuntimeException e) {
                LOG.warn(
                        "Ignoring a malformed change message on {}: {}",
                        new String(ch, StandardCharsets.UTF_8),
                        e.toString());
            }
        }
    }

    /** Parses {@code ns \n (T version SP key \n)*} and reports each line. */
    void dispatch(byte[] message) {
        String text = new String(message, StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        if (nl < 0) {
            return;
        }
        Namespace ns = Namespace.parse(text.substring(0, nl));
        int pos = nl + 1;
        while (pos < text.length()) {
            int end = text.indexOf('\n', pos);
            if (end < 0) {
                end = text.length();
            }
            int space = text.indexOf(' ', pos);
            ChangeType type = type(text.charAt(pos));
            long version = Long.parseLong(text.substring(pos + 1, space));
            String key = text.substring(space + 1, end);
            listener.onChange(ns, type, type == ChangeType.CLEAR ? null : key, type == ChangeType.SET ? version : 0L);
            pos = end + 1;
        }
    }

    private static ChangeType type(char c) {
        switch (c) {
            case 'S':
                return ChangeType.SET;
            case 'D':
                return ChangeType.DELETE;
            case 'E':
                return ChangeType.EXPIRE;
            case 'C':
                return ChangeType.CLEAR;
            default:
                throw new IllegalArgumentException("unknown change type '" + c + "'");
        }
    }

    @Override
    public void close() {
        closed = true;
        Listener l = pubSub;
        if (l != null && l.isSubscribed()) {
            try {
                l.unsubscribe();
            } catch (RuntimeException ignored) {
                // The connection is broken; closing it below ends the thread.
            }
        }
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (RuntimeException ignored) {
                // Best effort: the thread exits on the resulting read error.
            }
        }
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean isAlive() {
        return thread.isAlive();
    }
}
