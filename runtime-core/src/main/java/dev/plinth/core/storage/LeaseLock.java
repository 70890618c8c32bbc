package dev.plinth.core.storage;

import dev.plinth.api.storage.LockHandle;
import dev.plinth.api.storage.StorageException;
import dev.plinth.spi.storage.Namespace;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A held lock: renewed by {@link LockService}'s timer until closed or lost. */
final class LeaseLock implements LockHandle {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseLock.class);

    private final LockService service;
    private final Namespace ns;
    private final String name;
    private final String token;
    private final long leaseMillis;
    private volatile long validUntilMillis;
    private volatile boolean held = true;
    volatile ScheduledFuture<?> renewal;

    LeaseLock(LockService service, Namespace ns, String name, String token, long leaseMillis) {
        this.service = service;
        this.ns = ns;
        this.name = name;
        this.token = token;
        this.leaseMillis = leaseMillis;
        this.validUntilMillis = System.currentTimeMillis() + leaseMillis;
    }

    void renew() {
        if (!held) {
            return;
        }
        try {
            if (service.backend().renewLock(ns, name, token, leaseMillis)) {
                validUntilMillis = System.currentTimeMillis() + leaseMillis;
            } else {
                lost("another owner has it or its lease lapsed");
            }
        } catch (StorageException e) {
            // The backend may come back before the lease runs out: keep trying until then.
            if (System.currentTimeMillis() >= validUntilMillis) {
                lost("the backend was unreachable for the whole lease (" + e.getMessage() + ")");
            }
        } catch (RuntimeException e) {
            lost("renewal failed: " + e);
        }
    }

    private void lost(String why) {
        held = false;
        stopRenewing();
        LOG.warn("Lock '{}' in '{}' lost: {}", name, ns, why);
    }

    void abandon() {
        held = false;
        stopRenewing();
    }

    private void stopRenewing() {
        ScheduledFuture<?> r = renewal;
        if (r != null) {
            r.cancel(false);
        }
        service.forget(this);
    }

    @Override
    public String key() {
        return name;
    }

    @Override
    public boolean isHeld() {
        return held && System.currentTimeMillis() < validUntilMillis;
    }

    @Override
    public void close() {
        if (!held) {
            return;
        }
        held = false;
        stopRenewing();
        try {
            service.backend().unlock(ns, name, token);
        } catch (RuntimeException e) {
            // The lease frees the lock anyway; closing must not throw (try-with-resources would mask errors).
            LOG.warn(
                    "Lock '{}' in '{}': release failed, it frees itself when its lease lapses: {}",
                    name,
                    ns,
                    e.toString());
        }
    }

    @Override
    public String toString() {
        return "Lock[" + ns + " '" + name + "'" + (isHeld() ? " held" : " released") + "]";
    }
}
