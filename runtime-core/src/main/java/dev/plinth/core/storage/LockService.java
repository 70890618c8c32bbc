package dev.plinth.core.storage;

import dev.plinth.api.storage.InvalidArgumentException;
import dev.plinth.api.storage.LockHandle;
import dev.plinth.api.storage.LockTimeoutException;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.NativeLocks;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Waiting, lease renewal and release for lease locks, the backend's own ({@link NativeLocks}) or the
 * runtime's {@link InProcessLocks}. Those only answer "taken or not"; this class owns the time: it polls
 * with a capped backoff while waiting, renews each held lock at a third of its lease, and marks a lock
 * lost when renewal fails for a whole lease.
 */
final class LockService {
    private static final long MIN_LEASE_MILLIS = 100;
    private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final NativeLocks backend;
    private final long defaultLeaseMillis;
    private final SecureRandom random = new SecureRandom();
    private final Set<LeaseLock> held = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService renewer = newRenewer();

    /** Its thread starts on the first lock, often on a plugin's thread: {@link HostThreads} keeps it clean. */
    private static ScheduledExecutorService newRenewer() {
        return new ScheduledThreadPoolExecutor(1, task -> HostThreads.daemon(task, "plinth-lock-renewer"));
    }

    LockService(NativeLocks backend, Duration defaultLease) {
        this.backend = backend;
        this.defaultLeaseMillis = defaultLease.toMillis();
    }

    long defaultLeaseMillis() {
        return defaultLeaseMillis;
    }

    static long leaseMillis(Duration lease) {
        Objects.requireNonNull(lease, "lease");
        if (lease.isNegative()) {
            throw new InvalidArgumentException("lease", "must be at least " + MIN_LEASE_MILLIS + " ms, was " + lease);
        }
        return WriteChecks.boundedMillis("lease", lease, MIN_LEASE_MILLIS);
    }

    LockHandle lock(Namespace ns, String name, Duration wait, long leaseMillis) {
        Objects.requireNonNull(wait, "wait");
        if (wait.isNegative()) {
            throw new InvalidArgumentException("wait", "must be zero or more, was " + wait);
        }
        WriteChecks.boundedMillis("wait", wait, 0);
        // At most MAX_DURATION, about 3.2e18 ns: toNanos cannot overflow, and the deadline is only ever
        // compared by subtraction, which absorbs a wrap of nanoTime + wait.
        long waitNanos = wait.toNanos();
        String token = newToken();
        long deadline = System.nanoTime() + waitNanos;
        long backoff = TimeUnit.MICROSECONDS.toNanos(200);
        while (true) {
            if (backend.tryLock(ns, name, token, leaseMillis)) {
                return held(ns, name, token, leaseMillis);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new LockTimeoutException(name, wait);
            }
            LockSupport.parkNanos(Math.min(backoff, left));
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new LockTimeoutException(name, wait);
            }
            backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
        }
    }

    Optional<LockHandle> tryLock(Namespace ns, String name, long leaseMillis) {
        String token = newToken();
        if (backend.tryLock(ns, name, token, leaseMillis)) {
            return Optional.of(held(ns, name, token, leaseMillis));
        }
        return Optional.empty();
    }

    private LockHandle held(Namespace ns, String name, String token, long leaseMillis) {
        LeaseLock lock = new LeaseLock(this, ns, name, token, leaseMillis);
        held.add(lock);
        long period = Math.max(leaseMillis / 3, 10);
        lock.renewal = renewer.scheduleAtFixedRate(lock::renew, period, period, TimeUnit.MILLISECONDS);
        return lock;
    }

    NativeLocks backend() {
        return backend;
    }

    /** @return the handles held and not yet released */
    int held() {
        return held.size();
    }

    void forget(LeaseLock lock) {
        held.remove(lock);
    }

    /** Stops renewing; held locks lapse with their lease (the backend is closing too). */
    void close() {
        for (LeaseLock lock : held) {
            lock.abandon();
        }
        held.clear();
        renewer.shutdownNow();
    }

    private String newToken() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        StringBuilder b = new StringBuilder(32);
        for (byte x : bytes) {
            b.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return b.toString();
    }
}
