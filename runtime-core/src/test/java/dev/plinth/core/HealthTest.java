package dev.plinth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.plinth.api.ConfigurationException;
import dev.plinth.api.health.Health;
import dev.plinth.api.health.HealthStatus;
import dev.plinth.api.plugin.PluginState;
import dev.plinth.core.config.PlinthConfig;
import dev.plinth.core.health.HealthReport;
import dev.plinth.core.testing.FakeProvider;
import dev.plinth.core.testing.RecordingPlugin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class HealthTest {
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    private static PlinthConfig config(String... keyValues) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return PlinthConfig.builder().properties(m).build();
    }

    private static PlinthRuntime runtime(PlinthConfig config, RecordingPlugin... plugins) {
        PlinthRuntime.Builder b = PlinthRuntime.builder()
                .config(config)
                .storageProvider(new FakeProvider())
                .discoverPlugins(false);
        Arrays.stream(plugins).forEach(b::plugin);
        return b.build();
    }

    /** Polls health until {@code until} holds, for at most 20 s; returns the report that did. */
    private static HealthReport await(PlinthRuntime rt, Predicate<HealthReport> until) throws InterruptedException {
        HealthReport r = rt.health();
        for (int i = 0; i < 400 && !until.test(r); i++) {
            Thread.sleep(50);
            r = rt.health();
        }
        assertThat(until).as("health never got there; last report %s", r).accepts(r);
        return r;
    }

    @Test
    void aStartedRuntimeIsUpReadyAndLiveWithEachPluginsStateAndChecks() {
        RecordingPlugin a = new RecordingPlugin("a", log)
                .onInit(c -> c.registerHealthCheck("upstream", () -> Health.up().withDetail("url", "x")));
        RecordingPlugin b = new RecordingPlugin("b", log);
        try (PlinthRuntime rt = runtime(PlinthConfig.empty(), a, b).start()) {
            HealthReport r = rt.health();
            assertThat(r.status()).isEqualTo(HealthStatus.UP);
            assertThat(r.ready()).isTrue();
            assertThat(r.live()).isTrue();
            assertThat(r.storageProvider()).isEqualTo("fake");
            assertThat(r.storage().status()).isEqualTo(HealthStatus.UP);
            assertThat(r.plugins()).containsOnlyKeys("a", "b");
            assertThat(r.plugin("a").orElseThrow().state()).isEqualTo(PluginState.STARTED);
            assertThat(r.plugin("a").orElseThrow().checks().get("upstream").details())
                    .containsEntry("url", "x");
            assertThat(r.plugin("b").orElseThrow().checks()).isEmpty();
        }
    }

    @Test
    void theDefaultStorageProbeReadsThroughTheBackend() {
        FakeProvider provider = new FakeProvider();
        try (PlinthRuntime rt = PlinthRuntime.builder()
                .storageProvider(provider)
                .discoverPlugins(false)
                .config(config("plinth.health.cacheTtl", "0s"))
                .build()
                .start()) {
            provider.backendCalls.clear();
            rt.health();
            assertThat(provider.backendCalls).anyMatch(c -> c.contains("plinth-health"));
        }
    }

    @Test
    void eachChangeOfTheOverallStatusIsLoggedOnceAtInfoWithTheReason() throws Exception {
        java.util.concurrent.atomic.AtomicReference<Health> answer =
                new java.util.concurrent.atomic.AtomicReference<>(Health.up());
        RecordingPlugin a = new RecordingPlugin("a", log).onInit(c -> c.registerHealthCheck("flip", answer::get));
        java.io.PrintStream stderr = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        try (PlinthRuntime rt =
                runtime(config("plinth.health.cacheTtl", "0s"), a).start()) {
            assertThat(rt.health().status()).isEqualTo(HealthStatus.UP);
            // slf4j-simple looks System.err up on every line, so the runtime's log lines land here.
            System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
            try {
                assertThat(rt.health().status()).isEqualTo(HealthStatus.UP);
                answer.set(Health.degraded("cache cold"));
                assertThat(rt.health().status()).isEqualTo(HealthStatus.DEGRADED);
                assertThat(rt.health().status()).isEqualTo(HealthStatus.DEGRADED);
                answer.set(Health.up());
                assertThat(rt.health().status()).isEqualTo(HealthStatus.UP);
                assertThat(rt.health().status()).isEqualTo(HealthStatus.UP);
            } finally {
                System.setErr(stderr);
            }
        }
        List<String> changes = captured.toString(java.nio.charset.StandardCharsets.UTF_8)
                .lines()
                .filter(l -> l.contains("Plinth health changed"))
                .toList();
        assertThat(changes).hasSize(2);
        assertThat(changes.get(0))
                .contains(
                        "INFO",
                        "Plinth health changed from UP to DEGRADED",
                        "plugin 'a'",
                        "check 'flip'",
                        "cache cold");
        assertThat(changes.get(1)).contains("INFO").endsWith("Plinth health changed from DEGRADED to UP");
    }

    @Test
    void aCheckThatThrowsIsDownWithTheReasonAndTheRuntimeDegradedButReady() {
        RecordingPlugin a = new RecordingPlugin("a", log)
                .onInit(c -> c.registerHealthCheck("queue", () -> {
                    throw new IllegalStateException("queue broker unreachable");
                }));
        try (PlinthRuntime rt = runtime(PlinthConfig.empty(), a).start()) {
            HealthReport r = rt.health();
            assertThat(r.status()).isEqualTo(HealthStatus.DEGRADED);
            assertThat(r.ready()).isTrue();
            Health check = r.plugin("a").orElseThrow().checks().get("queue");
            assertThat(check.status()).isEqualTo(HealthStatus.DOWN);
            assertThat(check.reason()).isEqualTo("IllegalStateException: queue broker unreachable");
            assertThat(r.summary()).contains("plugin 'a'", "check 'queue'", "queue broker unreachable");
        }
    }

    @Test
    void aCheckThatHangsIsDownAfterItsBoundIsNotCalledAgainMeanwhileAndUpOnceItReturns() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger hang = new AtomicInteger(1);
        RecordingPlugin a = new RecordingPlugin("a", log)
                .onInit(c -> c.registerHealthCheck("slow", () -> {
                    calls.incrementAndGet();
                    if (hang.getAndSet(0) == 1) {
                        release.await();
                    }
                    return Health.up();
                }));
        PlinthConfig cfg = config("plinth.health.timeout", "200ms", "plinth.health.cacheTtl", "0s");
        try (PlinthRuntime rt = runtime(cfg, a).start()) {
            // Without the bound this would wait for the latch for ever.
            HealthReport first = assertTimeoutPreemptively(Duration.ofSeconds(30), rt::health);
            Health slow = first.plugin("a").orElseThrow().checks().get("slow");
            assertThat(slow.status()).isEqualTo(HealthStatus.DOWN);
            assertThat(slow.reason()).isEqualTo("did not answer within 200 ms");
            assertThat(first.status()).isEqualTo(HealthStatus.DEGRADED);

            HealthReport second = assertTimeoutPreemptively(Duration.ofSeconds(30), rt::health);
            assertThat(second.plugin("a").orElseThrow().checks().get("slow").reason())
                    .startsWith("has not answered for ")
                    .endsWith("(bound 200 ms); not called again until it does");
            assertThat(calls).hasValue(1);

            release.countDown();
            HealthReport up = await(rt, r -> r.status() == HealthStatus.UP);
            assertThat(up.plugin("a").orElseThrow().checks().get("slow").status())
                    .isEqualTo(HealthStatus.UP);
        }
    }

    @Test
    void aReportIsReusedForTheCachePeriod() {
        AtomicInteger calls = new AtomicInteger();
        RecordingPlugin a = new RecordingPlugin("a", log)
                .onInit(c -> c.registerHealthCheck("counted", () -> {
                    calls.incrementAndGet();
                    return Health.up();
                }));
        try (PlinthRuntime rt =
                runtime(config("plinth.health.cacheTtl", "1h"), a).start()) {
            HealthReport first = rt.health();
            assertThat(rt.health()).isSameAs(first);
            assertThat(calls).hasValue(1);
        }
    }

    @Test
    void concurrentCallersShareOneRefresh() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch inCheck = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        RecordingPlugin a = new RecordingPlugin("a", log)
                .onInit(c -> c.registerHealthCheck("gate", () -> {
                    calls.incrementAndGet();
                    inCheck.countDown();
                    release.await();
                    return Health.up();
                }));
        try (PlinthRuntime rt = runtime(config("plinth.health.cacheTtl", "1h", "plinth.health.timeout", "30s"), a)
                .start()) {
            List<Thread> callers = new ArrayList<>();
            List<HealthReport> seen = Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < 4; i++) {
                Thread t = new Thread(() -> seen.add(rt.health()));
                t.start();
                callers.add(t);
            }
            inCheck.await();
            release.countDown();
            for (Thread t : callers) {
                t.join();
            }
            assertThat(calls).hasValue(1);
            assertThat(seen).hasSize(4).allMatch(r -> r.status() == HealthStatus.UP);
        }
    }

    @Test
    void beforeStartAndAfterCloseTheRuntimeIsDownAndNotReady() {
        RecordingPlugin a = new RecordingPlugin("a", log);
        PlinthRuntime rt = runtime(config("plinth.health.cacheTtl", "1h"), a);
        HealthReport before = rt.health();
        assertThat(before.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(before.ready()).isFalse();
        assertThat(before.live()).isTrue();
        assertThat(before.storage().reason()).isEqualTo("the runtime is NEW");
        rt.start();
        assertThat(rt.health().status()).isEqualTo(HealthStatus.UP);
        rt.close();
        // Even with a report cached for an hour, a closed runtime is DOWN at once.
        HealthReport after = rt.health();
        assertThat(after.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(after.ready()).isFalse();
        assertThat(after.live()).isFalse();
        assertThat(after.plugin("a").orElseThrow().state()).isEqualTo(PluginState.STOPPED);
    }

    @Test
    void aDegradedCheckDegradesItsPluginAndTheRuntime() {
        RecordingPlugin a = new RecordingPlugin("a", log)
                .onInit(c -> c.registerHealthCheck("self", () -> Health.degraded("cache cold")));
        try (PlinthRuntime rt = runtime(PlinthConfig.empty(), a).start()) {
            HealthReport r = rt.health();
            assertThat(r.status()).isEqualTo(HealthStatus.DEGRADED);
            assertThat(r.plugin("a").orElseThrow().status()).isEqualTo(HealthStatus.DEGRADED);
        }
    }

    @Test
    void checkNamesFollowThePluginIdGrammarAndTheirNumberIsBounded() {
        List<RuntimeException> errors = Collections.synchronizedList(new ArrayList<>());
        RecordingPlugin a = new RecordingPlugin("a", log).onInit(c -> {
            try {
                c.registerHealthCheck("Bad Name", Health::up);
            } catch (IllegalArgumentException e) {
                errors.add(e);
            }
            for (int i = 0; i < 32; i++) {
                c.registerHealthCheck("check-" + i, Health::up);
            }
            c.registerHealthCheck("check-0", Health::up); // replacing one is fine
            try {
                c.registerHealthCheck("one-too-many", Health::up);
            } catch (IllegalArgumentException e) {
                errors.add(e);
            }
        });
        try (PlinthRuntime rt = runtime(PlinthConfig.empty(), a).start()) {
            assertThat(errors).hasSize(2);
            assertThat(errors.get(0)).hasMessageContaining("'Bad Name'").hasMessageContaining("plugin 'a'");
            assertThat(errors.get(1)).hasMessageContaining("already has 32 health checks");
            assertThat(rt.health().plugin("a").orElseThrow().checks()).hasSize(32);
        }
    }

    @Test
    void aZeroOrUnparsableTimeoutFailsTheStartNamingTheKey() {
        assertThatThrownBy(() -> runtime(config("plinth.health.timeout", "0s")).start())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("plinth.health.timeout");
        assertThatThrownBy(
                        () -> runtime(config("plinth.health.cacheTtl", "soon")).start())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("plinth.health.cacheTtl");
    }
}
