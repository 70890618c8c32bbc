package dev.plinth.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.LockHandle;
import dev.plinth.api.storage.StorageException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The storage contract, concern "Interrupts": run for each provider by {@link StorageContractTck}, whose
 * nested {@code Interrupts} class extends this one; the fixture (the provider, its engines and stores) is that
 * entry class's.
 */
@SuppressWarnings("try") // try-with-resources keeps subscriptions and locks scoped to the block that needs them
public abstract class InterruptsContract extends TckConcern {

    /** @param tck the entry class running this concern */
    protected InterruptsContract(StorageContractTck tck) {
        super(tck);
    }

    @Test
    @DisplayName(
            "KeyValueStore#Threading: an interrupted caller gets at most an exception for its own call and keeps its interrupt status; every other caller is served")
    void anInterruptedCallerBreaksNothingForOthers() throws Throwable {
        KeyValueStore a = store("plugin-a");
        KeyValueStore b = store("plugin-b");
        int slots = 500;
        long[] acknowledged = new long[slots];
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        AtomicLong writes = new AtomicLong();
        Thread writer = new Thread(
                () -> {
                    try {
                        for (long i = 1; !stop.get(); i++) {
                            int slot = (int) (i % slots);
                            a.setString("w:" + slot, Long.toString(i));
                            acknowledged[slot] = i;
                            writes.incrementAndGet();
                        }
                    } catch (Throwable t) {
                        writerFailure.set(t);
                    }
                },
                "tck-uninterrupted-writer");
        writer.start();
        Map<String, Executable> calls = new LinkedHashMap<>();
        calls.put("setString", () -> b.setString("k", "v"));
        calls.put("set with ttl", () -> b.set("t", bytes("v"), LONG_TTL));
        calls.put("get", () -> b.get("k"));
        calls.put("getAll", () -> b.getAll(List.of("k", "t", "n")));
        calls.put("setAll", () -> b.setAll(Map.of("x", bytes("1"), "y", bytes("2"))));
        calls.put("increment", () -> b.increment("n", 1));
        calls.put("compareAndSet", () -> b.compareAndSet("k", 1, bytes("v")));
        calls.put("delete", () -> b.delete("y"));
        calls.put("expire", () -> b.expire("k", LONG_TTL));
        calls.put("keys", () -> b.keys("*"));
        calls.put("count", () -> b.count("*"));
        calls.put(
                "transaction",
                () -> b.transaction().setString("tx", "v").delete("x").commit());
        calls.put("tryLock", () -> b.tryLock("L").ifPresent(LockHandle::close));
        calls.put("lock", () -> b.lock("L", Duration.ofMillis(20)).close());
        calls.put("watch", () -> b.watch("*", e -> {}).close());
        Map<String, Integer> failures = new TreeMap<>();
        try {
            for (int round = 0; round < 20; round++) {
                for (Map.Entry<String, Executable> call : calls.entrySet()) {
                    Thread.currentThread().interrupt();
                    try {
                        call.getValue().execute();
                    } catch (StorageException e) {
                        failures.merge(call.getKey() + ": " + e.getClass().getSimpleName(), 1, Integer::sum);
                    }
                    assertThat(Thread.interrupted())
                            .as("the interrupt status after %s", call.getKey())
                            .isTrue();
                }
            }
        } finally {
            Thread.interrupted();
            // Progress after the interrupts, not before: a writer stalled (not failed) by them fails here.
            long afterInterrupts = writes.get();
            Await.until(
                    "the uninterrupted writer to go on writing after the interrupts",
                    () -> writes.get() > afterInterrupts + 50 || writerFailure.get() != null);
            stop.set(true);
            writer.join(TimeUnit.MINUTES.toMillis(2));
        }
        assertThat(writer.isAlive()).as("the writer stopped when asked").isFalse();
        assertThat(writerFailure.get())
                .as("the writer of another plugin, never interrupted")
                .isNull();
        for (Executable call : calls.values()) {
            call.execute();
        }
        assertThat(b.getString("tx")).hasValue("v");
        for (int slot = 0; slot < slots; slot++) {
            if (acknowledged[slot] != 0) {
                assertThat(a.getString("w:" + slot))
                        .as("acknowledged write of slot %d", slot)
                        .hasValue(Long.toString(acknowledged[slot]));
            }
        }
        // Failures are allowed, as long as each is a StorageException for the interrupted call itself.
        org.slf4j.LoggerFactory.getLogger(StorageContractTck.class).info("Interrupted calls that failed: {}", failures);
    }
}
