package dev.plinth.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.InvalidArgumentException;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.LockHandle;
import dev.plinth.api.storage.LockTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The storage contract, concern "Locks": run for each provider by {@link StorageContractTck}, whose
 * nested {@code Locks} class extends this one; the fixture (the provider, its engines and stores) is that
 * entry class's.
 */
@SuppressWarnings("try") // try-with-resources keeps subscriptions and locks scoped to the block that needs them
public abstract class LocksContract extends TckConcern {

    /** @param tck the entry class running this concern */
    protected LocksContract(StorageContractTck tck) {
        super(tck);
    }

    @Test
    @DisplayName("KeyValueStore#lock: returns a held handle; closing releases it; closing twice is a no-op")
    void lockAndRelease() {
        LockHandle h = store().lock("L", Duration.ZERO);
        assertThat(h.key()).isEqualTo("L");
        assertThat(h.isHeld()).isTrue();
        h.close();
        assertThat(h.isHeld()).isFalse();
        h.close();
        try (LockHandle again = store().lock("L", Duration.ZERO)) {
            assertThat(again.isHeld()).isTrue();
        }
    }

    @Test
    @DisplayName(
            "KeyValueStore#tryLock: empty while held, by another thread or the same one (not reentrant); present once released")
    void tryLockWhenHeld() throws Exception {
        try (LockHandle h = store().lock("L", Duration.ZERO)) {
            assertThat(store().tryLock("L")).isEmpty();
            AtomicReference<Optional<LockHandle>> fromOther = new AtomicReference<>();
            Thread t = new Thread(() -> fromOther.set(store().tryLock("L")));
            t.start();
            t.join(Await.DEADLINE.toMillis());
            assertThat(fromOther.get()).isEmpty();
            assertThat(h.isHeld()).isTrue();
        }
        Optional<LockHandle> free = store().tryLock("L");
        assertThat(free).isPresent();
        free.get().close();
    }

    @Test
    @DisplayName(
            "KeyValueStore#lock: LockTimeoutException naming the lock when held for the whole wait, also for a zero wait")
    void lockTimeout() {
        try (LockHandle h = store().lock("L", Duration.ZERO)) {
            assertThatThrownBy(() -> store().lock("L", Duration.ofMillis(100)))
                    .isInstanceOfSatisfying(
                            LockTimeoutException.class, e -> assertThat(e.key()).isEqualTo("L"));
            assertThatThrownBy(() -> store().lock("L", Duration.ZERO)).isInstanceOf(LockTimeoutException.class);
            assertThatThrownBy(() -> store().lock("L", Duration.ofMillis(50), Duration.ofSeconds(5)))
                    .isInstanceOf(LockTimeoutException.class);
            assertThat(h.isHeld()).isTrue();
        }
    }

    @Test
    @DisplayName("KeyValueStore#lock: a waiter acquires the lock once the holder releases it")
    void waiterAcquiresAfterRelease() throws Exception {
        LockHandle h = store().lock("L", Duration.ZERO);
        CountDownLatch waiting = new CountDownLatch(1);
        AtomicReference<Object> result = new AtomicReference<>();
        Thread waiter = new Thread(() -> {
            waiting.countDown();
            try (LockHandle mine = store().lock("L", Await.DEADLINE)) {
                result.set(mine.isHeld());
            } catch (RuntimeException e) {
                result.set(e);
            }
        });
        waiter.start();
        waiting.await();
        Await.sleep(100);
        h.close();
        waiter.join(Await.DEADLINE.toMillis() * 2);
        assertThat(result.get()).isEqualTo(true);
    }

    @Test
    @DisplayName("KeyValueStore#lock: exclusive across threads: a lock-protected read-modify-write loses nothing")
    void exclusiveAcrossThreads() {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        Concurrently.run(4, t -> {
            for (int i = 0; i < 100; i++) {
                try (LockHandle h = store().lock("counter-lock", Duration.ofMinutes(2))) {
                    maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    long n = store().getString("n").map(Long::parseLong).orElse(0L);
                    store().setString("n", Long.toString(n + 1));
                    inside.decrementAndGet();
                }
            }
        });
        assertThat(maxInside.get()).isEqualTo(1);
        assertThat(store().getString("n")).hasValue("400");
    }

    @Test
    @DisplayName("KeyValueStore#lock: lock names live apart from data keys")
    void lockNamesApartFromKeys() {
        try (LockHandle h = store().lock("k", Duration.ZERO)) {
            assertThat(store().exists("k")).isFalse();
            assertThat(store().keys("*")).isEmpty();
            assertThat(store().count("*")).isZero();
            store().setString("k", "data");
            store().delete("k");
            store().clear();
            assertThat(h.isHeld()).isTrue();
            assertThat(store().tryLock("k")).isEmpty();
        }
        store().setString("k2", "data");
        try (LockHandle h = store().lock("k2", Duration.ZERO)) {
            assertThat(store().getString("k2")).hasValue("data");
        }
    }

    @Test
    @DisplayName(
            "KeyValueStore#lock: a lease under 100 ms or over MAX_DURATION, or a wait that is negative or over MAX_DURATION, throws InvalidArgumentException naming it")
    void leaseAndWaitValidated() {
        Duration tooLong = KeyValueStore.MAX_DURATION.plusMillis(1);
        Map<String, Executable> calls = new LinkedHashMap<>();
        calls.put("lease", () -> store().lock("L", Duration.ZERO, Duration.ofMillis(50)));
        calls.put("lease ", () -> store().lock("L", Duration.ZERO, Duration.ofMillis(-50)));
        calls.put(" lease", () -> store().lock("L", Duration.ZERO, tooLong));
        calls.put(" lease ", () -> store().lock("L", Duration.ZERO, Duration.ofDays(100_000_000_000_000L)));
        calls.put("wait", () -> store().lock("L", Duration.ofMillis(-1)));
        calls.put("wait ", () -> store().lock("L", tooLong));
        calls.put(" wait", () -> store().lock("L", Duration.ofSeconds(Long.MAX_VALUE), Duration.ofSeconds(1)));
        calls.forEach((argument, call) -> assertThatThrownBy(call::execute)
                .as(argument)
                .isInstanceOf(InvalidArgumentException.class)
                .satisfies(t ->
                        assertThat(((InvalidArgumentException) t).argument()).isEqualTo(argument.trim())));
        try (LockHandle h = store().lock("L", KeyValueStore.MAX_DURATION, KeyValueStore.MAX_DURATION)) {
            assertThat(h.isHeld()).isTrue();
        }
        try (LockHandle h = store().lock("L", Duration.ZERO, Duration.ofMillis(100))) {
            assertThat(h.isHeld()).isTrue();
        }
    }

    @Test
    @DisplayName(
            "KeyValueStore#lock: the runtime renews a short explicit lease, so a held lock stays exclusive past it")
    void leaseRenewed() {
        // Renewal runs well inside the lease; holding for more than two leases proves it happened.
        try (LockHandle h = store().lock("L", Duration.ZERO, Duration.ofSeconds(2))) {
            Await.sleep(4_500);
            assertThat(h.isHeld()).isTrue();
            assertThat(store().tryLock("L")).isEmpty();
        }
        assertThat(store().tryLock("L")).hasValueSatisfying(LockHandle::close);
    }

    @Test
    @DisplayName("StorageBackend#lockEntries: the lock registry shrinks back to empty once every handle is closed")
    void registryShrinks() {
        int before = engine().lockEntries();
        List<LockHandle> handles = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            handles.add(store().lock("lock-" + i, Duration.ZERO));
        }
        store().tryLock("lock-0");
        store().tryLock("lock-x").ifPresent(LockHandle::close);
        assertThat(engine().lockEntries()).isGreaterThanOrEqualTo(before);
        handles.forEach(LockHandle::close);
        Concurrently.run(4, t -> {
            for (int i = 0; i < 50; i++) {
                store().tryLock("shared-" + (i % 5)).ifPresent(LockHandle::close);
            }
        });
        assertThat(engine().lockEntries()).isZero();
    }
}
