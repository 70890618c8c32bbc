package dev.plinth.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.LockHandle;
import dev.plinth.api.storage.Subscription;
import dev.plinth.core.PlinthRuntime;
import dev.plinth.core.config.PlinthConfig;
import dev.plinth.metrics.PlinthMetricsTest.Host;
import dev.plinth.provider.jsonfile.JsonFileStorageProvider;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageGaugesTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private PlinthRuntime runtime(PlinthConfig config, Host... plugins) {
        return PlinthMetricsTest.runtime(registry, config, plugins);
    }

    private double gauge(String name, String plugin) {
        return registry.get(name).tag(MeterNames.TAG_PLUGIN, plugin).gauge().value();
    }

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }

    private double counter(String name) {
        return registry.get(name).functionCounter().count();
    }

    @Test
    void quotaKeysLocksAndWatchBacklogFollowThePlugins() throws Exception {
        Host shop = new Host("shop");
        Host mail = new Host("mail");
        PlinthConfig config = PlinthConfig.builder()
                .set("plinth.storage.memory.maxKeys", "50")
                .build();
        try (PlinthRuntime rt = runtime(config, shop, mail).start()) {
            PlinthMetrics.bind(registry, rt);
            KeyValueStore s = shop.context.storage();
            assertThat(gauge(MeterNames.QUOTA_LIMIT)).isEqualTo(50);
            assertThat(gauge(MeterNames.KEYS, "shop")).isZero();

            s.setString("a", "1");
            s.setString("b", "2");
            s.namespace("inner").setString("c", "3"); // another scope: not in shop's own count
            mail.context.storage().setString("m", "1");
            assertThat(gauge(MeterNames.KEYS, "shop")).isEqualTo(2);
            assertThat(gauge(MeterNames.KEYS, "mail")).isEqualTo(1);

            assertThat(gauge(MeterNames.LOCKS_HELD)).isZero();
            try (LockHandle one = s.lock("job", Duration.ofSeconds(1));
                    LockHandle two = mail.context.storage().lock("job", Duration.ofSeconds(1))) {
                assertThat(gauge(MeterNames.LOCKS_HELD)).isEqualTo(2);
            }
            assertThat(gauge(MeterNames.LOCKS_HELD)).isZero();

            // A listener that blocks keeps later events buffered: the gauge shows the backlog.
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch first = new CountDownLatch(1);
            Subscription sub = s.watch("w:*", event -> {
                first.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(gauge(MeterNames.WATCH_SUBSCRIPTIONS, "shop")).isEqualTo(1);
            assertThat(gauge(MeterNames.WATCH_SUBSCRIPTIONS, "mail")).isZero();
            s.setString("w:1", "x");
            assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
            s.setString("w:2", "x");
            s.setString("w:3", "x");
            assertThat(gauge(MeterNames.WATCH_BUFFERED, "shop")).isEqualTo(2);
            release.countDown();
            for (int i = 0; i < 500 && gauge(MeterNames.WATCH_BUFFERED, "shop") > 0; i++) {
                Thread.sleep(10);
            }
            assertThat(gauge(MeterNames.WATCH_BUFFERED, "shop")).isZero();
            sub.close();
            assertThat(gauge(MeterNames.WATCH_SUBSCRIPTIONS, "shop")).isZero();
            // No near cache configured: no cache meters.
            assertThat(registry.find(MeterNames.CACHE_HITS).meters()).isEmpty();
        }
        assertThat(gauge(MeterNames.KEYS, "shop")).isNaN();
        assertThat(gauge(MeterNames.QUOTA_LIMIT)).isZero();
    }

    @Test
    void theObserversBindGivesPluginsThatAppearLaterTheirGaugesTheStaticBindDoesNot() throws Exception {
        Host shop = new Host("shop");
        PlinthMetrics metrics = PlinthMetrics.observer(registry);
        SimpleMeterRegistry other = new SimpleMeterRegistry();
        try (PlinthRuntime rt = PlinthRuntime.builder()
                .config(PlinthConfig.empty())
                .storageProvider(new dev.plinth.provider.memory.MemoryStorageProvider())
                .discoverPlugins(false)
                .plugin(shop)
                .observer(metrics)
                .build()
                .start()) {
            metrics.bind(rt);
            PlinthMetrics.bind(other, rt);
            assertThat(gauge(MeterNames.WATCH_SUBSCRIPTIONS, "shop")).isZero();
            assertThat(registry.find(MeterNames.WATCH_SUBSCRIPTIONS)
                            .tag(MeterNames.TAG_PLUGIN, "late")
                            .meters())
                    .isEmpty();

            // A store made for a plugin id the runtime did not start with, as for a plugin installed later.
            Subscription sub = rt.storage("late").watch("*", event -> {});
            assertThat(gauge(MeterNames.WATCH_SUBSCRIPTIONS, "late")).isEqualTo(1);
            assertThat(registry.find(MeterNames.HEALTH_PLUGIN)
                            .tag(MeterNames.TAG_PLUGIN, "late")
                            .meters())
                    .hasSize(1);
            assertThat(other.find(MeterNames.WATCH_SUBSCRIPTIONS)
                            .tag(MeterNames.TAG_PLUGIN, "late")
                            .meters())
                    .isEmpty();
            sub.close();
            assertThat(gauge(MeterNames.WATCH_SUBSCRIPTIONS, "late")).isZero();
        }
    }

    @Test
    void withoutAQuotaThereIsNoKeyGaugeSoScrapesNeverScanABackend() throws Exception {
        Host shop = new Host("shop");
        try (PlinthRuntime rt = runtime(PlinthConfig.empty(), shop).start()) {
            PlinthMetrics.bind(registry, rt);
            assertThat(gauge(MeterNames.QUOTA_LIMIT)).isZero();
            assertThat(registry.find(MeterNames.KEYS).meters()).isEmpty();
            assertThat(registry.find(MeterNames.WATCH_SUBSCRIPTIONS).meters()).hasSize(1);
        }
    }

    @Test
    void nearCacheCountersCountHitsMissesAndInvalidations() throws Exception {
        Host shop = new Host("shop");
        PlinthConfig config = PlinthConfig.builder()
                .set("plinth.storage.cache.enabled", "true")
                .build();
        try (PlinthRuntime rt = runtime(config, shop).start()) {
            PlinthMetrics.bind(registry, rt);
            KeyValueStore s = shop.context.storage();
            s.setString("k", "v");
            double hitsBefore = counter(MeterNames.CACHE_HITS);
            double missesBefore = counter(MeterNames.CACHE_MISSES);
            assertThat(s.getString("k")).contains("v"); // a miss (or a hit, if the write filled the cache)
            assertThat(s.getString("k")).contains("v"); // a hit
            assertThat(s.getString("k")).contains("v"); // a hit
            assertThat(counter(MeterNames.CACHE_HITS) - hitsBefore).isGreaterThanOrEqualTo(2);
            assertThat(counter(MeterNames.CACHE_HITS) + counter(MeterNames.CACHE_MISSES) - hitsBefore - missesBefore)
                    .isEqualTo(3);
            assertThat(gauge(MeterNames.CACHE_SIZE)).isGreaterThanOrEqualTo(1);
            double invalidationsBefore = counter(MeterNames.CACHE_INVALIDATIONS);
            s.setString("k", "w");
            assertThat(s.getString("k")).contains("w");
            double dropsBefore = counter(MeterNames.CACHE_SCOPE_DROPS);
            s.clear();
            assertThat(counter(MeterNames.CACHE_SCOPE_DROPS)).isGreaterThan(dropsBefore);
            assertThat(counter(MeterNames.CACHE_INVALIDATIONS)).isGreaterThanOrEqualTo(invalidationsBefore);
            for (Meter m : registry.getMeters()) {
                assertThat(m.getId().getName()).startsWith("plinth.");
            }
        }
    }

    @Test
    void numericFiguresOfTheStorageProbeBecomeBackendGauges(@TempDir Path dir) throws Exception {
        Host shop = new Host("shop");
        PlinthConfig config = PlinthConfig.builder()
                .set("plinth.storage.jsonfile.directory", dir.toString())
                .set("plinth.health.cacheTtl", "0s")
                .build();
        try (PlinthRuntime rt = PlinthRuntime.builder()
                .config(config)
                .storageProvider(new JsonFileStorageProvider())
                .discoverPlugins(false)
                .plugin(shop)
                .observer(PlinthMetrics.observer(registry))
                .build()
                .start()) {
            PlinthMetrics.bind(registry, rt);
            double before = registry.get(MeterNames.BACKEND)
                    .tag(MeterNames.TAG_FIGURE, "journalBytes")
                    .gauge()
                    .value();
            shop.context.storage().setString("k", "a value that the journal has to hold");
            double after = registry.get(MeterNames.BACKEND)
                    .tag(MeterNames.TAG_FIGURE, "journalBytes")
                    .gauge()
                    .value();
            assertThat(after).isGreaterThan(before);
            // Text details (the journal's file name) are not figures: no gauge, so no unbounded tag value.
            assertThat(registry.find(MeterNames.BACKEND).meters())
                    .extracting(m -> m.getId().getTag(MeterNames.TAG_FIGURE))
                    .containsExactlyInAnyOrder("journalBytes", "compactions");
        }
    }
}
