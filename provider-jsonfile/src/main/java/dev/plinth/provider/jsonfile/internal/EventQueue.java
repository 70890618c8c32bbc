package dev.plinth.provider.jsonfile.internal;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.Namespace;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Committed changes waiting to be reported, in commit order, each tagged with the journal LSN that makes
 * it durable. Changes are reported only once their LSN is durable (sync mode) or appended (batched mode),
 * and always in the order they were committed, whichever thread drains.
 */
final class EventQueue {
    private static final Logger LOG = LoggerFactory.getLogger(EventQueue.class);

    private record Pending(long lsn, Namespace ns, ChangeType type, String key, long version) {}

    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final ChangeListener listener;

    EventQueue(ChangeListener listener) {
        this.listener = listener;
    }

    synchronized void add(long lsn, Namespace ns, ChangeType type, String key, long version) {
        pending.add(new Pending(lsn, ns, type, key, version));
    }

    /** Reports, in order, every queued change whose LSN is at most {@code lsn}. */
    synchronized void drainUpTo(long lsn) {
        Pending p;
        while ((p = pending.peek()) != null && p.lsn() <= lsn) {
            pending.poll();
            try {
                listener.onChange(p.ns(), p.type(), p.key(), p.version());
            } catch (RuntimeException e) {
                LOG.warn("Change listener failed on {} {} '{}'", p.type(), p.ns(), p.key(), e);
            }
        }
    }
}
