package dev.plinth.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.api.storage.ChangeEvent;
import dev.plinth.api.storage.ChangeType;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How a backend's "changes may have been missed" signal reaches watches. */
class WatchHubTest {
    private static final Namespace NOTES = Namespace.of("notes");
    private static final Namespace TODO = Namespace.of("todo");

    private WatchHub hub;

    @AfterEach
    void close() {
        if (hub != null) {
            hub.close();
        }
    }

    /** Collects events and lets the test wait (bounded) for a number of them. */
    private static final class Collected {
        private final List<ChangeEvent> events = new ArrayList<>();

        synchronized void add(ChangeEvent e) {
            events.add(e);
            notifyAll();
        }

        synchronized List<ChangeEvent> await(int n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (events.size() < n && System.nanoTime() < deadline) {
                wait(100);
            }
            return List.copyOf(events);
        }
    }

    private static ChangeEvent gap(Namespace ns) {
        return new ChangeEvent(ChangeType.OVERFLOW, ns.path(), null, 0, ChangeEvent.DROPPED_UNKNOWN);
    }

    @Test
    void everyWatchOfEveryNamespaceGetsAnOverflowInStreamOrder() throws InterruptedException {
        hub = new WatchHub(100);
        Collected notes = new Collected();
        Collected todo = new Collected();
        hub.subscribe(NOTES, GlobPattern.compile("a*"), notes::add);
        hub.subscribe(TODO, GlobPattern.compile("*"), todo::add);

        hub.onChange(NOTES, ChangeType.SET, "a1", 1);
        hub.onChangesMissed("test gap");
        hub.onChange(NOTES, ChangeType.DELETE, "a1", 0);

        assertThat(notes.await(3))
                .containsExactly(
                        new ChangeEvent(ChangeType.SET, "notes", "a1", 1, 0),
                        gap(NOTES),
                        new ChangeEvent(ChangeType.DELETE, "notes", "a1", 0, 0));
        assertThat(todo.await(1)).containsExactly(gap(TODO));
        assertThat(gap(NOTES).droppedEvents()).isEqualTo(ChangeEvent.DROPPED_UNKNOWN);
        assertThat(gap(NOTES).toString()).contains("dropped=unknown");
    }

    @Test
    void aGapSignalThatFindsTheBufferFullMakesTheLaterOverflowCountUnknown() throws InterruptedException {
        hub = new WatchHub(1);
        CountDownLatch release = new CountDownLatch(1);
        Collected seen = new Collected();
        hub.subscribe(NOTES, GlobPattern.compile("*"), e -> {
            seen.add(e);
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        });
        hub.onChange(NOTES, ChangeType.SET, "held", 1);
        assertThat(seen.await(1)).hasSize(1);
        hub.onChange(NOTES, ChangeType.SET, "buffered", 2);
        hub.onChangesMissed("test gap");
        hub.onChange(NOTES, ChangeType.SET, "dropped", 3);
        release.countDown();

        assertThat(seen.await(3))
                .containsExactly(
                        new ChangeEvent(ChangeType.SET, "notes", "held", 1, 0),
                        new ChangeEvent(ChangeType.SET, "notes", "buffered", 2, 0),
                        gap(NOTES));
    }

    @Test
    void theBackendIsToldWhenTheFirstWatchStartsAndTheLastEnds() {
        hub = new WatchHub(10);
        List<Boolean> told = new ArrayList<>();
        BackendOps backend = (BackendOps) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {BackendOps.class}, (proxy, method, args) -> {
                    if (method.getName().equals("setWatched")) {
                        told.add((Boolean) args[0]);
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        hub.attach(backend);
        assertThat(told).containsExactly(false);

        var first = hub.subscribe(NOTES, GlobPattern.compile("*"), e -> {});
        var second = hub.subscribe(TODO, GlobPattern.compile("*"), e -> {});
        assertThat(told).containsExactly(false, true);
        first.close();
        first.close();
        assertThat(told).containsExactly(false, true);
        second.close();
        assertThat(told).containsExactly(false, true, false);
        hub.subscribe(NOTES, GlobPattern.compile("a"), e -> {});
        assertThat(told).containsExactly(false, true, false, true);
    }

    @Test
    void aWatchWhoseFeedCannotStartIsNotLeftRegistered() {
        hub = new WatchHub(10);
        BackendOps backend = (BackendOps) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {BackendOps.class}, (proxy, method, args) -> {
                    if (method.getName().equals("setWatched") && (Boolean) args[0]) {
                        throw new IllegalStateException("feed down");
                    }
                    return null;
                });
        hub.attach(backend);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> hub.subscribe(NOTES, GlobPattern.compile("*"), e -> {}))
                .hasMessage("feed down");
        assertThat(hub.activeSubscriptions()).isZero();
    }

    @Test
    void aGapWithNobodyWatchingIsHarmless() {
        hub = new WatchHub(10);
        hub.onChangesMissed("test gap");
        assertThat(hub.activeSubscriptions()).isZero();
    }
}
