package dev.plinth.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.Subscription;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The storage contract, concern "Clear": run for each provider by {@link StorageContractTck}, whose
 * nested {@code Clear} class extends this one; the fixture (the provider, its engines and stores) is that
 * entry class's.
 */
@SuppressWarnings("try") // try-with-resources keeps subscriptions and locks scoped to the block that needs them
public abstract class ClearContract extends TckConcern {

    /** @param tck the entry class running this concern */
    protected ClearContract(StorageContractTck tck) {
        super(tck);
    }

    @Test
    @DisplayName("KeyValueStore#clear: afterwards the namespace holds no key; other namespaces lost nothing")
    void clearEmpties() {
        seed(store(), "a", "b", "c");
        seed(store("plugin-b"), "a");
        store().clear();
        assertThat(store().keys("*")).isEmpty();
        assertThat(store().count("*")).isZero();
        assertThat(store().get("a")).isEmpty();
        assertThat(store("plugin-b").keys("*")).containsExactly("a");
        store().clear();
        assertThat(store().keys("*")).isEmpty();
    }

    @Test
    @DisplayName("KeyValueStore#clear: keys with TTLs and many keys (2,000) are all gone")
    void clearManyKeys() {
        Map<String, byte[]> batch = new LinkedHashMap<>();
        for (int i = 0; i < 2000; i++) {
            batch.put("k" + i, bytes("v"));
        }
        store().setAll(batch);
        store().setString("t", "x", LONG_TTL);
        store().clear();
        assertThat(store().count("*")).isZero();
        assertThat(store().exists("t")).isFalse();
    }

    @Test
    @DisplayName(
            "KeyValueStore#clear: every subscription of the namespace gets one CLEAR event with no key, whatever its pattern, and no DELETE per key")
    void clearEvent() {
        seed(store(), "a", "b", "c");
        EventRecorder all = new EventRecorder();
        EventRecorder narrow = new EventRecorder();
        EventRecorder neighbour = new EventRecorder();
        try (Subscription s1 = store().watch("*", all);
                Subscription s2 = store().watch("nothing-matches*", narrow);
                Subscription s3 = store("plugin-b").watch("*", neighbour)) {
            store().clear();
            all.await("CLEAR", e -> e.type() == ChangeType.CLEAR);
            narrow.await("CLEAR", e -> e.type() == ChangeType.CLEAR);
            flush(store(), all, "marker");
            flush(store("plugin-b"), neighbour, "marker");
            assertThat(all.events(ChangeType.CLEAR)).singleElement().satisfies(e -> {
                assertThat(e.key()).isEmpty();
                assertThat(e.namespace()).isEqualTo(PLUGIN);
            });
            assertThat(all.events(ChangeType.DELETE)).isEmpty();
            assertThat(narrow.events())
                    .singleElement()
                    .satisfies(e -> assertThat(e.type()).isEqualTo(ChangeType.CLEAR));
            assertThat(neighbour.events(ChangeType.CLEAR)).isEmpty();
        }
    }

    @Test
    @DisplayName(
            "KeyValueStore#clear: the CLEAR event reaches only the cleared namespace's watchers, not a parent's or a nested namespace's")
    void clearEventOnlyForThatScope() {
        KeyValueStore parent = store();
        KeyValueStore bucket = parent.namespace("items");
        seed(parent, "p");
        seed(bucket, "b");
        EventRecorder onParent = new EventRecorder();
        EventRecorder onBucket = new EventRecorder();
        try (Subscription s1 = parent.watch("*", onParent);
                Subscription s2 = bucket.watch("*", onBucket)) {
            parent.clear();
            onParent.await("CLEAR of the parent", e -> e.type() == ChangeType.CLEAR);
            flush(bucket, onBucket, "marker");
            assertThat(onBucket.events(ChangeType.CLEAR)).isEmpty();
            assertThat(bucket.keys("*")).containsExactly("b", "marker");
            bucket.clear();
            onBucket.await("CLEAR of the bucket", e -> e.type() == ChangeType.CLEAR);
            flush(parent, onParent, "marker");
            assertThat(onParent.events(ChangeType.CLEAR)).hasSize(1);
            assertThat(onBucket.events(ChangeType.CLEAR))
                    .singleElement()
                    .satisfies(e -> assertThat(e.namespace()).isEqualTo(PLUGIN + "/items"));
        }
    }

    @Test
    @DisplayName(
            "KeyValueStore#Threading: clear is atomic against concurrent atomic batches: each pair survives whole or not at all")
    void clearAgainstWriters() {
        KeyValueStore s = store();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger written = new AtomicInteger();
        Thread writer = new Thread(() -> {
            for (int i = 0; !stop.get() && i < 100_000; i++) {
                s.setAll(Map.of("x" + i, bytes("1"), "y" + i, bytes("1")));
                written.incrementAndGet();
            }
        });
        writer.start();
        Await.until("writes before clear", () -> written.get() > 20);
        store().clear();
        Await.until("writes after clear", () -> written.get() > 40 || !writer.isAlive());
        stop.set(true);
        try {
            writer.join(TimeUnit.SECONDS.toMillis(60));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assertThat(writer.isAlive()).as("writer finished").isFalse();
        Set<String> keys = new HashSet<>(store().keys("*"));
        for (String k : keys) {
            String pair = (k.startsWith("x") ? "y" : "x") + k.substring(1);
            assertThat(keys).as("partner of %s", k).contains(pair);
        }
    }
}
