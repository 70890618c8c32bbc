package dev.plinth.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.LockHandle;
import dev.plinth.api.storage.LockTimeoutException;
import dev.plinth.api.storage.QuotaExceededException;
import dev.plinth.api.storage.Subscription;
import dev.plinth.api.storage.VersionConflictException;
import dev.plinth.core.storage.StorageEngine;
import dev.plinth.spi.storage.Capability;
import dev.plinth.spi.storage.CommonOptions;
import dev.plinth.spi.storage.OptionSpec;
import dev.plinth.spi.storage.StorageProvider;
import dev.plinth.tck.StorageContractTck.Note;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The storage contract, concern "Capabilities": run for each provider by {@link StorageContractTck}, whose
 * nested {@code Capabilities} class extends this one; the fixture (the provider, its engines and stores) is that
 * entry class's.
 */
@SuppressWarnings("try") // try-with-resources keeps subscriptions and locks scoped to the block that needs them
public abstract class CapabilitiesContract extends TckConcern {

    /** @param tck the entry class running this concern */
    protected CapabilitiesContract(StorageContractTck tck) {
        super(tck);
    }

    /**
     * Runs the contract tests of each capability the provider declares, and only those: capability flags
     * select tests, so an undeclared capability adds no test instead of a skipped one. Each runs on its
     * own fresh data set, as a {@code @Test} would.
     */
    @TestFactory
    @DisplayName("Capability tests of every declared capability")
    Stream<DynamicTest> declaredCapabilities() {
        List<DynamicTest> tests = new ArrayList<>();
        declared(
                tests,
                Capability.DURABLE,
                "Capability.DURABLE: data written survives closing the engine and opening another on the same options",
                this::durable);
        declared(
                tests,
                Capability.DURABLE,
                "Capability.DURABLE: a cleared scope stays cleared after reopening",
                this::durableClear);
        declared(
                tests,
                Capability.SHARED_ACROSS_PROCESSES,
                "Capability.SHARED_ACROSS_PROCESSES: two engines open at once on the same options see each other's writes",
                this::shared);
        declared(
                tests,
                Capability.SHARED_ACROSS_PROCESSES,
                "Capability.SHARED_ACROSS_PROCESSES: maxKeys counts the keys written through every engine",
                this::sharedQuota);
        declared(
                tests,
                Capability.SHARED_ACROSS_PROCESSES,
                "Capability.SHARED_ACROSS_PROCESSES: increments from two engines at once add up exactly",
                this::sharedCounters);
        declared(
                tests,
                Capability.CROSS_PROCESS_LOCKS,
                "Capability.CROSS_PROCESS_LOCKS: a lock held through one engine excludes the other until released",
                this::crossProcessLocks);
        declared(
                tests,
                Capability.CROSS_PROCESS_EVENTS,
                "Capability.CROSS_PROCESS_EVENTS: a watcher on one engine sees the other engine's writes",
                this::crossProcessEvents);
        return tests.stream();
    }

    private void declared(List<DynamicTest> tests, Capability capability, String name, Runnable body) {
        if (declares(capability)) {
            tests.add(DynamicTest.dynamicTest(name, () -> {
                try {
                    body.run();
                } finally {
                    startNextDataSet();
                }
            }));
        }
    }

    @Test
    @DisplayName("Capability: the cross-process capabilities imply SHARED_ACROSS_PROCESSES")
    void capabilitiesAreConsistent() {
        for (Set<Capability> declared :
                List.of(testedProvider().capabilities(), testedProvider().capabilities(testedConfig()))) {
            if (declared.contains(Capability.CROSS_PROCESS_EVENTS)
                    || declared.contains(Capability.CROSS_PROCESS_LOCKS)) {
                assertThat(declared).contains(Capability.SHARED_ACROSS_PROCESSES);
            }
        }
    }

    @Test
    @DisplayName("Capability: what the tested options guarantee is a subset of what the provider declares")
    void configuredCapabilitiesAreASubset() {
        assertThat(testedProvider().capabilities()).containsAll(testedProvider().capabilities(testedConfig()));
    }

    @Test
    @DisplayName("CommonOptions: the provider declares maxKeys and sweepInterval with their common meaning")
    void commonOptionsDeclared() {
        Map<String, OptionSpec<?>> byName =
                testedProvider().options().stream().collect(Collectors.toMap(OptionSpec::name, o -> o));
        assertThat(byName).containsKeys(CommonOptions.MAX_KEYS.name(), CommonOptions.SWEEP_INTERVAL.name());
        assertThat(byName.get(CommonOptions.MAX_KEYS.name()).type()).isEqualTo(Long.class);
        assertThat(byName.get(CommonOptions.SWEEP_INTERVAL.name()).type()).isEqualTo(Duration.class);
    }

    @Test
    @DisplayName("StorageProvider: id is lower-case letters and digits; description and capabilities are present")
    void providerMetadata() {
        StorageProvider p = testedProvider();
        assertThat(p.id()).matches("[a-z0-9]+");
        assertThat(p.description()).isNotBlank();
        assertThat(p.capabilities()).isNotNull();
        assertThat(p.options()).isNotNull();
    }

    @Test
    @DisplayName("StorageProvider: the constructor and id, description, capabilities and options start no thread")
    void metadataIsCheap() {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        StorageProvider p = provider();
        p.id();
        p.description();
        p.capabilities();
        p.options();
        Set<Thread> started = new HashSet<>(Thread.getAllStackTraces().keySet());
        started.removeAll(before);
        assertThat(started).extracting(Thread::getName).isEmpty();
    }

    @Test
    @DisplayName("StorageContractTck#freshOptions: each test starts from an empty data set")
    void freshDataSetIsEmpty() {
        assertThat(store().keys("*")).isEmpty();
        assertThat(store().namespace("items").keys("*")).isEmpty();
        assertThat(store("plugin-b").count("*")).isZero();
    }

    /** Capability.DURABLE: data written survives closing the engine and opening another on the same options */
    private void durable() {
        KeyValueStore first = store();
        first.setString("k", "kept");
        long version = first.getEntry("k").orElseThrow().version();
        first.setString("t", "x", LONG_TTL);
        Instant expiresAt = first.getEntry("t").orElseThrow().expiresAt().orElseThrow();
        first.setString("short", "x", SHORT_TTL);
        first.setString("deleted", "x");
        first.delete("deleted");
        first.namespace("items").setObject("note", new Note("n", 1, List.of("a")));
        first.increment("counter", 7);
        engine().close();

        KeyValueStore second = openEngine(Map.of()).store(PLUGIN);
        assertThat(second.getString("k")).hasValue("kept");
        assertThat(second.getEntry("k").orElseThrow().version()).isEqualTo(version);
        assertThat(second.getEntry("t").orElseThrow().expiresAt())
                .as("expiry is stored as an instant, not a duration")
                .hasValueSatisfying(
                        at -> assertThat(at.toEpochMilli()).isCloseTo(expiresAt.toEpochMilli(), within(1_000L)));
        Await.until(
                "'short' to expire after the restart",
                () -> second.getEntry("short").isEmpty());
        assertThat(second.exists("deleted")).isFalse();
        assertThat(second.namespace("items").getObject("note", Note.class)).hasValue(new Note("n", 1, List.of("a")));
        assertThat(second.getString("counter")).hasValue("7");
        assertThat(second.keys("*")).containsExactly("counter", "k", "t");
        assertThat(second.setString("k", "newer"))
                .as("versions keep growing after a restart")
                .isGreaterThan(version);
    }

    /** Capability.DURABLE: a cleared namespace stays cleared after reopening */
    private void durableClear() {
        seed(store(), "a", "b");
        store().clear();
        store().setString("c", "x");
        engine().close();
        assertThat(openEngine(Map.of()).store(PLUGIN).keys("*")).containsExactly("c");
    }

    /** Capability.SHARED_ACROSS_PROCESSES: two engines open at once on the same options see each other's writes */
    private void shared() {
        KeyValueStore one = store();
        KeyValueStore two = openEngine(Map.of()).store(PLUGIN);
        one.setString("from-one", "1");
        assertThat(two.getString("from-one")).hasValue("1");
        long v = two.setString("from-two", "2");
        assertThat(one.getString("from-two")).hasValue("2");
        assertThat(one.compareAndSet("from-two", v, bytes("3"))).isPresent();
        assertThat(two.compareAndSet("from-two", v, bytes("4")))
                .as("a stale version from the other engine")
                .isEmpty();
        assertThat(two.getString("from-two")).hasValue("3");
        two.delete("from-one");
        assertThat(one.exists("from-one")).isFalse();
        assertThat(one.keys("*")).containsExactly("from-two");
        long v3 = one.getEntry("from-two").orElseThrow().version();
        two.transaction()
                .requireVersion("from-two", v3)
                .setString("from-two", "5")
                .commit();
        assertThatThrownBy(() -> one.transaction()
                        .requireVersion("from-two", v3)
                        .setString("from-two", "6")
                        .commit())
                .isInstanceOf(VersionConflictException.class);
        one.clear();
        assertThat(two.keys("*")).isEmpty();
    }

    /** Capability.SHARED_ACROSS_PROCESSES: maxKeys counts the keys written through every engine */
    private void sharedQuota() {
        KeyValueStore one = storeWithMaxKeys(2);
        KeyValueStore two =
                openEngine(Map.of(CommonOptions.MAX_KEYS.name(), "2")).store(PLUGIN);
        one.setString("a", "x");
        two.setString("b", "x");
        assertThatThrownBy(() -> one.setString("c", "x")).isInstanceOf(QuotaExceededException.class);
        assertThatThrownBy(() -> two.setString("c", "x")).isInstanceOf(QuotaExceededException.class);
    }

    /** Capability.SHARED_ACROSS_PROCESSES: increments from two engines at once add up exactly */
    private void sharedCounters() {
        KeyValueStore one = store();
        KeyValueStore two = openEngine(Map.of()).store(PLUGIN);
        Concurrently.run(2, t -> {
            KeyValueStore s = t == 0 ? one : two;
            for (int i = 0; i < 500; i++) {
                s.increment("n", 1);
            }
        });
        assertThat(one.getString("n")).hasValue("1000");
    }

    /** Capability.CROSS_PROCESS_LOCKS: a lock held through one engine excludes the other until released */
    private void crossProcessLocks() {
        KeyValueStore one = store();
        KeyValueStore two = openEngine(Map.of()).store(PLUGIN);
        try (LockHandle h = one.lock("L", Duration.ZERO)) {
            assertThat(two.tryLock("L")).isEmpty();
            assertThatThrownBy(() -> two.lock("L", Duration.ofMillis(100))).isInstanceOf(LockTimeoutException.class);
            assertThat(h.isHeld()).isTrue();
        }
        Optional<LockHandle> now = two.tryLock("L");
        assertThat(now).isPresent();
        assertThat(one.tryLock("L")).isEmpty();
        now.get().close();
    }

    /** Capability.CROSS_PROCESS_EVENTS: a watcher on one engine sees the other engine's writes */
    private void crossProcessEvents() {
        KeyValueStore one = store();
        StorageEngine otherEngine = openEngine(Map.of());
        KeyValueStore two = otherEngine.store(PLUGIN);
        EventRecorder events = new EventRecorder();
        try (Subscription sub = two.watch("*", events)) {
            long v = one.setString("k", "x");
            events.awaitSet("k");
            assertThat(events.eventsFor("k"))
                    .first()
                    .satisfies(e -> assertThat(e.version()).hasValue(v));
            one.delete("k");
            events.await("DELETE of k", e -> e.type() == ChangeType.DELETE);
            one.clear();
            events.await("CLEAR", e -> e.type() == ChangeType.CLEAR);
            one.namespace("items").setString("bucket-key", "x");
            store("plugin-b").setString("other-plugin", "x");
            one.setString("marker", "x");
            events.awaitSet("marker");
            assertThat(events.events())
                    .extracting(e -> e.key().orElse(null))
                    .doesNotContain("bucket-key", "other-plugin");
        }
    }
}
