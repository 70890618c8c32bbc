package dev.plinth.tck;

import dev.plinth.api.storage.ChangeEvent;
import dev.plinth.api.storage.ChangeType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A watch listener that records every event, the threads it ran on, and whether it was ever entered
 * concurrently with itself. Negative checks ("this event never came") use a marker: write a marker key
 * after the change under test and wait for the marker's event; delivery per subscription is sequential,
 * so anything the change produced is recorded by then.
 */
final class EventRecorder implements Consumer<ChangeEvent> {
    private final List<ChangeEvent> events = new ArrayList<>();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final AtomicInteger inside = new AtomicInteger();
    private final AtomicInteger maxInside = new AtomicInteger();

    @Override
    public void accept(ChangeEvent event) {
        int now = inside.incrementAndGet();
        maxInside.accumulateAndGet(now, Math::max);
        try {
            threads.add(Thread.currentThread());
            synchronized (events) {
                events.add(event);
            }
        } finally {
            inside.decrementAndGet();
        }
    }

    List<ChangeEvent> events() {
        synchronized (events) {
            return new ArrayList<>(events);
        }
    }

    /**
     * The events that can only come from writes after version {@code lastSetupVersion}: every event except
     * SETs at or below it. A provider with an asynchronous change feed may deliver the SET of a write that
     * completed just before {@code watch} was called; the contract does not forbid that, so tests that
     * write before subscribing ignore those SETs.
     */
    List<ChangeEvent> after(long lastSetupVersion) {
        return events().stream()
                .filter(e -> e.type() != ChangeType.SET || e.version().orElse(Long.MAX_VALUE) > lastSetupVersion)
                .toList();
    }

    List<ChangeEvent> events(ChangeType type) {
        return events().stream().filter(e -> e.type() == type).toList();
    }

    List<ChangeEvent> eventsFor(String key) {
        return events().stream()
                .filter(e -> e.key().filter(key::equals).isPresent())
                .toList();
    }

    boolean has(Predicate<ChangeEvent> p) {
        return events().stream().anyMatch(p);
    }

    /** Waits until an event matching {@code p} was recorded. */
    void await(String what, Predicate<ChangeEvent> p) {
        Await.until(what, () -> has(p), this::events);
    }

    /** Waits for a SET of {@code key}. */
    void awaitSet(String key) {
        await(
                "SET event of '" + key + "'",
                e -> e.type() == ChangeType.SET && e.key().filter(key::equals).isPresent());
    }

    /** Waits until at least {@code n} events were recorded. */
    void awaitCount(int n) {
        Await.until(n + " events", () -> size() >= n, () -> size() + " events");
    }

    int size() {
        synchronized (events) {
            return events.size();
        }
    }

    Set<Thread> threads() {
        return Set.copyOf(threads);
    }

    int maxConcurrentCalls() {
        return maxInside.get();
    }
}
