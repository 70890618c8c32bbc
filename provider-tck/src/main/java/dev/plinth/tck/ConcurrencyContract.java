package dev.plinth.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.api.storage.Entry;
import dev.plinth.api.storage.LockHandle;
import dev.plinth.api.storage.VersionConflictException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The storage contract, concern "Concurrency": run for each provider by {@link StorageContractTck}, whose
 * nested {@code Concurrency} class extends this one; the fixture (the provider, its engines and stores) is that
 * entry class's.
 */
@SuppressWarnings("try") // try-with-resources keeps subscriptions and locks scoped to the block that needs them
public abstract class ConcurrencyContract extends TckConcern {

    /** @param tck the entry class running this concern */
    protected ConcurrencyContract(StorageContractTck tck) {
        super(tck);
    }

    @Test
    @DisplayName("KeyValueStore#Threading: 4 threads x 10,000 increments add up exactly")
    void concurrentIncrements() {
        Concurrently.run(4, t -> {
            for (int i = 0; i < 10_000; i++) {
                store().increment("counter", 1);
            }
        });
        assertThat(store().getString("counter")).hasValue("40000");
    }

    @Test
    @DisplayName("KeyValueStore#compareAndSet: a CAS retry loop from 4 threads loses no update")
    void casLoop() {
        store().setString("n", "0");
        AtomicLong conflicts = new AtomicLong();
        Concurrently.run(4, t -> {
            for (int i = 0; i < 250; i++) {
                while (true) {
                    Entry e = store().getEntry("n").orElseThrow();
                    long next = Long.parseLong(e.valueAsString()) + 1;
                    if (store().compareAndSet("n", e.version(), bytes(Long.toString(next)))
                            .isPresent()) {
                        break;
                    }
                    conflicts.incrementAndGet();
                }
            }
        });
        assertThat(store().getString("n")).hasValue("1000");
    }

    @Test
    @DisplayName("KeyValueStore#lock: a lock-protected get/set counter from 4 threads is exact")
    void lockProtectedCounter() {
        Concurrently.run(4, t -> {
            for (int i = 0; i < 250; i++) {
                try (LockHandle h = store().lock("guard", Duration.ofMinutes(2))) {
                    long n = store().getString("n").map(Long::parseLong).orElse(0L);
                    store().setString("n", Long.toString(n + 1));
                }
            }
        });
        assertThat(store().getString("n")).hasValue("1000");
        assertThat(engine().lockEntries()).isZero();
    }

    @Test
    @DisplayName("KeyValueStore#setIfAbsent: among 8 racing threads exactly one wins, every round")
    void setIfAbsentRace() {
        AtomicInteger winners = new AtomicInteger();
        Concurrently.run(8, t -> {
            for (int round = 0; round < 50; round++) {
                if (store().setIfAbsent("r" + round, bytes("t" + t))) {
                    winners.incrementAndGet();
                }
            }
        });
        assertThat(winners.get()).isEqualTo(50);
        assertThat(store().count("r*")).isEqualTo(50);
    }

    @Test
    @DisplayName("Transaction#commit: racing transactions guarded by the same version: exactly one commits")
    void transactionRace() {
        long v = store().setString("guard", "0");
        AtomicInteger committed = new AtomicInteger();
        AtomicInteger conflicted = new AtomicInteger();
        Concurrently.run(4, t -> {
            try {
                store().transaction()
                        .requireVersion("guard", v)
                        .setString("guard", "t" + t)
                        .setString("w" + t, "x")
                        .commit();
                committed.incrementAndGet();
            } catch (VersionConflictException e) {
                conflicted.incrementAndGet();
            }
        });
        assertThat(committed.get()).isEqualTo(1);
        assertThat(conflicted.get()).isEqualTo(3);
        assertThat(store().count("w*")).isEqualTo(1);
    }

    @Test
    @DisplayName("KeyValueStore#Threading: setAll is atomic: two threads writing the same pair leave equal values")
    void batchesAtomic() {
        Concurrently.run(2, t -> {
            for (int i = 0; i < 300; i++) {
                String v = "t" + t + "-" + i;
                Map<String, byte[]> pair = new LinkedHashMap<>();
                // Opposite orders make a non-atomic batch interleave.
                pair.put(t == 0 ? "x" : "y", bytes(v));
                pair.put(t == 0 ? "y" : "x", bytes(v));
                store().setAll(pair);
            }
        });
        assertThat(store().getString("x")).isPresent().isEqualTo(store().getString("y"));
    }
}
