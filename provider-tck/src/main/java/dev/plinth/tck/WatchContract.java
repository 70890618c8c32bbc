package dev.plinth.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.ChangeEvent;
import dev.plinth.api.storage.ChangeType;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.NotACounterException;
import dev.plinth.api.storage.QuotaExceededException;
import dev.plinth.api.storage.Subscription;
import dev.plinth.api.storage.ValueTooLargeException;
import dev.plinth.api.storage.VersionConflictException;
import dev.plinth.core.config.StorageSettings;
import dev.plinth.core.storage.StorageEngine;
import dev.plinth.spi.storage.CommonOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The storage contract, concern "Watch": run for each provider by {@link StorageContractTck}, whose
 * nested {@code Watch} class extends this one; the fixture (the provider, its engines and stores) is that
 * entry class's.
 */
@SuppressWarnings("try") // try-with-resources keeps subscriptions and locks scoped to the block that needs them
public abstract class WatchContract extends TckConcern {

    /** @param tck the entry class running this concern */
    protected WatchContract(StorageContractTck tck) {
        super(tck);
    }

    @Test
    @DisplayName("KeyValueStore#watch: a SET event carries namespace, key and the version the write returned")
    void setEvent() {
        EventRecorder events = new EventRecorder();
        try (Subscription sub = store().watch("*", events)) {
            assertThat(sub.pattern()).isEqualTo("*");
            assertThat(sub.isActive()).isTrue();
            long v = store().setString("k", "x");
            events.awaitSet("k");
            assertThat(events.events()).singleElement().satisfies(e -> {
                assertThat(e.type()).isEqualTo(ChangeType.SET);
                assertThat(e.namespace()).isEqualTo(PLUGIN);
                assertThat(e.key()).hasValue("k");
                assertThat(e.version()).hasValue(v);
                assertThat(e.droppedEvents()).isZero();
            });
        }
    }

    @Test
    @DisplayName("KeyValueStore#watch: events are delivered on a runtime thread, never the writer's")
    void offWriterThread() {
        EventRecorder events = new EventRecorder();
        try (Subscription sub = store().watch("*", events)) {
            for (int i = 0; i < 20; i++) {
                store().setString("k" + i, "x");
            }
            events.awaitCount(20);
            assertThat(events.threads()).doesNotContain(Thread.currentThread());
        }
    }

    @Test
    @DisplayName(
            "KeyValueStore#watch: every write kind is a SET: set, setString, setObject, setIfAbsent, CAS, increment, setAll, transaction")
    void everyWriteIsSet() {
        EventRecorder events = new EventRecorder();
        try (Subscription sub = store().watch("*", events)) {
            store().set("a", bytes("x"));
            store().setString("b", "x", LONG_TTL);
            store().setObject("c", List.of(1));
            store().setIfAbsent("d", bytes("x"));
            store().compareAndSet("e", KeyValueStore.ABSENT, bytes("x"));
            store().increment("f", 1);
            store().setAll(Map.of("g", bytes("x"), "h", bytes("x")));
            store().transaction().setString("i", "x").commit();
            for (String k : List.of("a", "b", "c", "d", "e", "f", "g", "h", "i")) {
                events.awaitSet(k);
            }
            assertThat(events.events())
                    .hasSize(9)
                    .allSatisfy(e -> assertThat(e.type()).isEqualTo(ChangeType.SET));
        }
    }

    @Test
    @DisplayName("KeyValueStore#watch: delete, deleteAll and deleteMatching report one DELETE per deleted key")
    void deleteEvents() {
        seed(store(), "a", "b", "c", "m:1", "m:2");
        EventRecorder events = new EventRecorder();
        try (Subscription sub = store().watch("*", events)) {
            store().delete("a");
            store().deleteAll(List.of("b", "c", "absent"));
            store().deleteMatching("m:*");
            events.awaitCount(5);
            flush(store(), events, "marker");
            assertThat(events.events(ChangeType.DELETE))
                    .extracting(e -> e.key().orElseThrow())
                    .containsExactlyInAnyOrder("a", "b", "c", "m:1", "m:2");
            assertThat(events.events(ChangeType.DELETE))
                    .allSatisfy(e -> assertThat(e.version()).isEmpty());
        }
    }

    @Test
    @DisplayName("KeyValueStore#watch: an expired key that is reclaimed reports EXPIRE")
    void expireEvent() {
        KeyValueStore s = openEngine(fastSweep()).store(PLUGIN);
        EventRecorder events = new EventRecorder();
        try (Subscription sub = s.watch("*", events)) {
            s.setString("k", "x", SHORT_TTL);
            events.await(
                    "EXPIRE of k",
                    e -> e.type() == ChangeType.EXPIRE
                            && e.key().filter("k"::equals).isPresent());
            assertThat(events.events(ChangeType.DELETE)).isEmpty();
        }
        assertThat(s.exists("k")).isFalse();
    }

    @Test
    @DisplayName("KeyValueStore#watch: events of one key arrive in write order (1,000 writes)")
    void perKeyOrder() {
        EventRecorder events = new EventRecorder();
        List<Long> written = new ArrayList<>();
        try (Subscription sub = store().watch("counter", events)) {
            for (int i = 0; i < 1000; i++) {
                written.add(store().setString("counter", Integer.toString(i)));
            }
            events.awaitCount(1000);
            assertThat(events.events())
                    .extracting(e -> e.version().orElseThrow())
                    .containsExactlyElementsOf(written);
            assertThat(sub.droppedEvents()).isZero();
        }
    }

    @Test
    @DisplayName("KeyValueStore#watch: SET and DELETE of one key arrive in write order (200 alternations)")
    void perKeyOrderOfTypes() {
        EventRecorder events = new EventRecorder();
        List<ChangeType> written = new ArrayList<>();
        try (Subscription sub = store().watch("flip", events)) {
            for (int i = 0; i < 200; i++) {
                store().setString("flip", "x");
                written.add(ChangeType.SET);
                if (i % 3 != 2) {
                    store().delete("flip");
                    written.add(ChangeType.DELETE);
                }
            }
            events.awaitCount(written.size());
            assertThat(events.events()).extracting(ChangeEvent::type).containsExactlyElementsOf(written);
        }
    }

    @Test
    @DisplayName("KeyValueStore#watch: per-key order holds with several keys written from several threads")
    void perKeyOrderConcurrent() {
        EventRecorder events = new EventRecorder();
        try (Subscription sub = store().watch("t*", events)) {
            Concurrently.run(4, t -> {
                for (int i = 0; i < 250; i++) {
                    store().setString("t" + t, Integer.toString(i));
                }
            });
            events.awaitCount(1000);
            for (int t = 0; t < 4; t++) {
                assertThat(events.eventsFor("t" + t))
                        .extracting(e -> e.version().orElseThrow())
                        .hasSize(250)
                        .isSortedAccordingTo(Long::compare)
                        .doesNotHaveDuplicates();
            }
            assertThat(events.maxConcurrentCalls())
                    .as("listener never called concurrently with itself")
                    .isEqualTo(1);
        }
    }

    @Test
    @DisplayName("KeyValueStore#watch: only keys of this namespace matching the pattern are reported")
    void onlyMatchingKeys() {
        EventRecorder events = new EventRecorder();
        try (Subscription sub = store().watch("user:*", events)) {
            store().setString("order:1", "x");
            store().setString("user", "x");
            store().setString("xuser:1", "x");
            store().namespace("user").setString("user:1", "x");
            store("plugin-b").setString("user:1", "x");
            store().setString("user:1", "x");
            store().delete("order:1");
            store().setString("user:2", "x");
            events.awaitSet("user:2");
            assertThat(events.events()).extracting(e -> e.key().orElseThrow()).containsExactly("user:1", "user:2");
        }
    }

    @Test
    @DisplayName(
            "Subscription#close: stops delivery, isActive turns false, activeSubscriptions returns to its earlier value")
    void closeStopsDelivery() {
        int before = engine().activeSubscriptions();
        EventRecorder closed = new EventRecorder();
        EventRecorder open = new EventRecorder();
        Subscription sub = store().watch("*", closed);
        try (Subscription other = store().watch("*", open)) {
            assertThat(engine().activeSubscriptions()).isEqualTo(before + 2);
            store().setString("first", "x");
            closed.awaitSet("first");
            sub.close();
            assertThat(sub.isActive()).isFalse();
            sub.close();
            assertThat(engine().activeSubscriptions()).isEqualTo(before + 1);
            store().setString("second", "x");
            flush(store(), open, "marker");
            assertThat(closed.events()).extracting(e -> e.key().orElseThrow()).containsExactly("first");
        }
        assertThat(engine().activeSubscriptions()).isEqualTo(before);
    }

    @Test
    @DisplayName("KeyValueStore#watch: a listener that throws does not stop later events or other subscriptions")
    void throwingListener() {
        EventRecorder seen = new EventRecorder();
        EventRecorder bystander = new EventRecorder();
        Consumer<ChangeEvent> thrower = e -> {
            seen.accept(e);
            throw new IllegalStateException("listener failure (expected by the TCK)");
        };
        try (Subscription s1 = store().watch("*", thrower);
                Subscription s2 = store().watch("*", bystander)) {
            store().setString("a", "1");
            store().setString("b", "2");
            store().setString("c", "3");
            seen.awaitSet("c");
            bystander.awaitSet("c");
            assertThat(seen.events()).extracting(e -> e.key().orElseThrow()).containsExactly("a", "b", "c");
            assertThat(s1.isActive()).isTrue();
        }
    }

    @Test
    @DisplayName(
            "KeyValueStore#watch: a full buffer drops and counts events, the writer never waits, and OVERFLOW follows")
    void overflow() throws InterruptedException {
        StorageEngine small = openEngine(Map.of(), StorageSettings.defaults().withWatchBufferSize(4));
        KeyValueStore s = small.store(PLUGIN);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        EventRecorder events = new EventRecorder();
        try (Subscription sub = s.watch("*", e -> {
            events.accept(e);
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        })) {
            s.setString("first", "x");
            assertThat(entered.await(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS))
                    .as("first event delivered")
                    .isTrue();
            // The listener is now blocked: if a writer waited for it, these writes would never finish.
            Thread writer = new Thread(() -> {
                for (int i = 0; i < 100; i++) {
                    s.setString("k" + i, "x");
                }
            });
            writer.start();
            writer.join(Await.DEADLINE.toMillis());
            boolean writerBlocked = writer.isAlive();
            assertThat(writerBlocked).as("writer blocked by a stuck listener").isFalse();
            // Still blocked: the buffer must overflow and count drops (awaited, for asynchronous feeds).
            Await.until("dropped events counted while the listener is stuck", () -> sub.droppedEvents() > 0);
            long dropped = sub.droppedEvents();
            release.countDown();
            events.await("OVERFLOW", e -> e.type() == ChangeType.OVERFLOW);
            ChangeEvent overflow = events.events(ChangeType.OVERFLOW).get(0);
            assertThat(overflow.droppedEvents()).isPositive();
            assertThat(overflow.key()).isEmpty();
            assertThat(sub.droppedEvents()).isGreaterThanOrEqualTo(dropped);
            // Overload is visible, never silent: each of the 101 writes is delivered or counted as dropped.
            // (A provider whose own writes come back through an asynchronous feed may still be delivering
            // some after the first OVERFLOW, so this is awaited rather than checked at once.)
            Await.until(
                    "every write delivered or counted as dropped",
                    () -> events.events(ChangeType.SET).size() + sub.droppedEvents() == 101,
                    () -> events.events(ChangeType.SET).size() + " delivered, " + sub.droppedEvents() + " dropped");
            assertThat(events.events(ChangeType.OVERFLOW))
                    .allSatisfy(
                            e -> assertThat(e.droppedEvents()).isPositive().isLessThanOrEqualTo(sub.droppedEvents()));
        } finally {
            release.countDown();
        }
    }

    @Test
    @DisplayName("KeyValueStore#Errors: a write that fails or changes nothing notifies no watcher")
    void failedWritesNotifyNobody() {
        KeyValueStore s = openEngine(
                        Map.of(CommonOptions.MAX_KEYS.name(), "2"),
                        StorageSettings.defaults().withMaxValueBytes(64))
                .store(PLUGIN);
        long v = s.setString("k", "x");
        long setup = s.setString("counter-text", "abc");
        EventRecorder events = new EventRecorder();
        try (Subscription sub = s.watch("*", events)) {
            assertThat(s.compareAndSet("k", v + 1000, bytes("y"))).isEmpty();
            assertThat(s.setIfAbsent("k", bytes("y"))).isFalse();
            assertThat(s.delete("absent")).isFalse();
            assertThatThrownBy(() -> s.set("k", new byte[65])).isInstanceOf(ValueTooLargeException.class);
            assertThatThrownBy(() -> s.setString("new", "x")).isInstanceOf(QuotaExceededException.class);
            assertThatThrownBy(() -> s.increment("counter-text", 1)).isInstanceOf(NotACounterException.class);
            assertThatThrownBy(() -> s.transaction()
                            .setString("k", "z")
                            .requireAbsent("k")
                            .commit())
                    .isInstanceOf(VersionConflictException.class);
            assertThat(s.deleteMatching("nothing*")).isZero();
            assertThat(s.expire("absent", LONG_TTL)).isFalse();
            long marker = s.setString("k", "marker");
            events.await("SET of the marker", e -> e.version().orElse(0) == marker);
            assertThat(events.after(setup))
                    .singleElement()
                    .satisfies(e -> assertThat(e.version()).hasValue(marker));
        }
    }

    @Test
    @DisplayName("KeyValueStore#watch: two subscriptions on the same pattern both receive every event")
    void twoSubscriptions() {
        EventRecorder one = new EventRecorder();
        EventRecorder two = new EventRecorder();
        try (Subscription s1 = store().watch("k*", one);
                Subscription s2 = store().watch("k*", two)) {
            store().setString("k1", "x");
            store().setString("k2", "x");
            one.awaitSet("k2");
            two.awaitSet("k2");
            assertThat(one.events()).hasSize(2);
            assertThat(two.events()).hasSize(2);
        }
    }

    @Test
    @DisplayName("KeyValueStore#watch: after the last watch closed, a new one reports the very next write "
            + "(providers may rest their change feed in between)")
    void watchAgainAfterTheLastOneClosed() {
        EventRecorder first = new EventRecorder();
        try (Subscription sub = store().watch("*", first)) {
            store().setString("a", "x");
            first.awaitSet("a");
        }
        // Written while nothing watches: no watch is owed this event.
        store().setString("unwatched", "x");
        EventRecorder again = new EventRecorder();
        try (Subscription sub = store().watch("*", again)) {
            long v = store().setString("b", "y");
            again.awaitSet("b");
            assertThat(again.events())
                    .filteredOn(e -> e.key().equals(java.util.Optional.of("b")))
                    .singleElement()
                    .satisfies(e -> assertThat(e.version()).hasValue(v));
        }
        assertThat(first.events()).extracting(e -> e.key().orElse("")).containsExactly("a");
    }
}
