package dev.plinth.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.plugin.Plugin;
import dev.plinth.api.plugin.PluginContext;
import dev.plinth.api.storage.ChangeEvent;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.LockHandle;
import dev.plinth.api.storage.NotACounterException;
import dev.plinth.api.storage.Subscription;
import dev.plinth.core.PlinthRuntime;
import dev.plinth.core.config.PlinthConfig;
import dev.plinth.provider.memory.MemoryStorageProvider;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PlinthMetricsTest {
    /** A plugin that only keeps its context, so the test drives its store. */
    static final class Host implements Plugin {
        private final String id;
        volatile PluginContext context;

        Host(String id) {
            this.id = id;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public void init(PluginContext ctx) {
            context = ctx;
        }
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private PlinthRuntime runtime(Host... plugins) {
        return runtime(registry, PlinthConfig.empty(), plugins);
    }

    /** A memory-backed runtime of {@code plugins} reporting to {@code registry}, not yet started. */
    static PlinthRuntime runtime(MeterRegistry registry, PlinthConfig config, Host... plugins) {
        PlinthRuntime.Builder b = PlinthRuntime.builder()
                .config(config)
                .storageProvider(new MemoryStorageProvider())
                .discoverPlugins(false)
                .observer(PlinthMetrics.observer(registry));
        for (Host h : plugins) {
            b.plugin(h);
        }
        return b.build();
    }

    private long count(String plugin, String operation) {
        return (long) registry.get(MeterNames.OPERATIONS)
                .tag("plugin", plugin)
                .tag("operation", operation)
                .functionTimer()
                .count();
    }

    private double counter(String name, String plugin) {
        return registry.get(name).tag("plugin", plugin).counter().count();
    }

    private double bytes(String name, String plugin) {
        return registry.get(name).tag("plugin", plugin).functionCounter().count();
    }

    @Test
    void aKnownSequenceOfOperationsGivesExactlyTheExpectedCounts() throws Exception {
        Host shop = new Host("shop");
        Host other = new Host("other");
        try (PlinthRuntime rt = runtime(shop, other).start()) {
            KeyValueStore s = shop.context.storage();
            List<ChangeEvent> seen = new CopyOnWriteArrayList<>();
            Subscription sub = s.watch("order:*", seen::add);
            s.set("order:1", new byte[10]);
            s.setString("order:2", "héllo"); // 6 bytes in UTF-8
            s.setString("note", "abc");
            assertThat(s.getString("order:2")).contains("héllo");
            assertThat(s.get("missing")).isEmpty();
            assertThat(s.get("order:1")).isPresent();
            s.delete("note");
            s.increment("visits", 2);
            assertThatThrownBy(() -> s.increment("order:2", 1)).isInstanceOf(NotACounterException.class);
            assertThat(s.keys("order:*")).hasSize(2);
            s.transaction().set("a", new byte[4]).setString("b", "xy").commit();
            try (LockHandle held = s.lock("job", Duration.ofSeconds(1))) {
                assertThat(s.tryLock("job")).isEmpty();
            }
            for (int i = 0; i < 200 && seen.size() < 2; i++) {
                Thread.sleep(10);
            }
            assertThat(seen).hasSize(2);
            sub.close();
            other.context.storage().setString("x", "1");

            assertThat(count("shop", "set")).isEqualTo(3);
            assertThat(count("shop", "get")).isEqualTo(3);
            assertThat(count("shop", "delete")).isEqualTo(1);
            assertThat(count("shop", "increment")).isEqualTo(2);
            assertThat(count("shop", "list")).isEqualTo(1);
            assertThat(count("shop", "commit")).isEqualTo(1);
            assertThat(count("shop", "lock")).isEqualTo(2);
            assertThat(count("shop", "watch.delivery")).isEqualTo(2);
            assertThat(count("shop", "expire")).isZero();
            assertThat(registry.get(MeterNames.OPERATIONS)
                            .tag("plugin", "shop")
                            .tag("operation", "set")
                            .functionTimer()
                            .totalTime(java.util.concurrent.TimeUnit.NANOSECONDS))
                    .isPositive();
            assertThat(count("other", "set")).isEqualTo(1);
            assertThat(registry.get(MeterNames.ERRORS)
                            .tag("plugin", "shop")
                            .tag("operation", "increment")
                            .tag("exception", "NotACounterException")
                            .counter()
                            .count())
                    .isEqualTo(1);
            assertThat(registry.find(MeterNames.ERRORS).counters()).hasSize(1);
            // 10 + 6 + 3 by set/setString, 4 + 2 in the transaction.
            assertThat(bytes(MeterNames.BYTES_WRITTEN, "shop")).isEqualTo(25);
            // "héllo" (6) and the 10-byte value.
            assertThat(bytes(MeterNames.BYTES_READ, "shop")).isEqualTo(16);
            assertThat(registry.get(MeterNames.LOCK_WAIT)
                            .tag("plugin", "shop")
                            .timer()
                            .count())
                    .isEqualTo(2);
            assertThat(counter(MeterNames.LOCK_TIMEOUTS, "shop")).isEqualTo(1);
            assertThat(counter(MeterNames.WATCH_OVERFLOWS, "shop")).isZero();
        }
    }

    @Test
    void tagsNeverCarryKeysAndTenThousandDistinctKeysMakeNoNewMeter() {
        Host shop = new Host("shop");
        try (PlinthRuntime rt = runtime(shop).start()) {
            KeyValueStore s = shop.context.storage();
            s.setString("warm-up", "v");
            s.getString("warm-up");
            s.delete("warm-up");
            int before = registry.getMeters().size();
            for (int i = 0; i < 10_000; i++) {
                String key = "user:" + i;
                s.set(key, key.getBytes(StandardCharsets.UTF_8));
                s.get(key);
                s.delete(key);
            }
            assertThat(registry.getMeters()).hasSize(before);
            assertThat(count("shop", "set")).isEqualTo(10_001);
            Set<String> tagValues = registry.getMeters().stream()
                    .map(Meter::getId)
                    .flatMap(id -> id.getTags().stream())
                    .map(Tag::getValue)
                    .collect(Collectors.toSet());
            assertThat(tagValues).noneMatch(v -> v.contains("user:") || v.contains("warm-up"));
            assertThat(tagValues).contains("shop", "get", "set", "delete");
        }
    }

    @Test
    void healthGaugesFollowTheRuntime() {
        Host shop = new Host("shop");
        PlinthRuntime rt = runtime(shop).start();
        PlinthMetrics.bindHealth(registry, rt);
        assertThat(registry.get(MeterNames.HEALTH).gauge().value()).isEqualTo(1.0);
        assertThat(registry.get(MeterNames.HEALTH_READY).gauge().value()).isEqualTo(1.0);
        assertThat(registry.get(MeterNames.HEALTH_STORAGE).gauge().value()).isEqualTo(1.0);
        assertThat(registry.get(MeterNames.HEALTH_PLUGIN)
                        .tag("plugin", "shop")
                        .gauge()
                        .value())
                .isEqualTo(1.0);
        rt.close();
        assertThat(registry.get(MeterNames.HEALTH).gauge().value()).isZero();
        assertThat(registry.get(MeterNames.HEALTH_READY).gauge().value()).isZero();
    }

    @Test
    void withoutAnObserverStoresAreNotDecorated() {
        Host shop = new Host("shop");
        try (PlinthRuntime rt = PlinthRuntime.builder()
                .storageProvider(new MemoryStorageProvider())
                .discoverPlugins(false)
                .plugin(shop)
                .build()
                .start()) {
            assertThat(shop.context.storage().getClass().getName()).doesNotContain("Observed");
        }
        try (PlinthRuntime rt = runtime(new Host("shop")).start()) {
            assertThat(rt.storage("shop").getClass().getSimpleName()).isEqualTo("ObservedStore");
        }
    }
}
