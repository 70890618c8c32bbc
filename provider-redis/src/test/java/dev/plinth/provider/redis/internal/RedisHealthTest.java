package dev.plinth.provider.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.api.health.HealthStatus;
import dev.plinth.core.PlinthRuntime;
import dev.plinth.core.config.PlinthConfig;
import dev.plinth.core.health.HealthReport;
import dev.plinth.provider.redis.RedisStorageProvider;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Health follows a real Redis: a private server stopped by PID, then started again on the same port. */
class RedisHealthTest {
    private static final Logger LOG = LoggerFactory.getLogger(RedisHealthTest.class);

    private static PlinthRuntime runtime(String uri) {
        return PlinthRuntime.builder()
                .storageProvider(new RedisStorageProvider())
                .discoverPlugins(false)
                .config(PlinthConfig.builder()
                        .properties(Map.of(
                                "plinth.storage.redis.uri", uri,
                                "plinth.storage.redis.connectTimeout", "500ms",
                                "plinth.storage.redis.readTimeout", "500ms",
                                "plinth.storage.redis.keyPrefix", Backends.uniquePrefix(),
                                "plinth.health.timeout", "2s",
                                "plinth.health.cacheTtl", "0s"))
                        .build())
                .build();
    }

    /** Polls until {@code until} holds (20 s at most); returns the report that did. */
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
    void storageTurnsDownWhenTheServerStopsAndUpAgainAfterItRestarts() throws Exception {
        try (RedisServers.Server server = RedisServers.start();
                PlinthRuntime rt = runtime(server.uri()).start()) {
            HealthReport up = rt.health();
            assertThat(up.status()).isEqualTo(HealthStatus.UP);
            assertThat(up.storage().details())
                    .containsEntry("endpoint", "127.0.0.1:" + server.port)
                    .containsKeys("pingMillis", "poolActive", "poolIdle", "poolWaiting");

            long pid = server.pid();
            server.stop();
            long stopped = System.nanoTime();
            assertThat(ProcessHandle.of(pid)).isEmpty();
            HealthReport down = await(rt, r -> r.storage().status() == HealthStatus.DOWN);
            long toDown = (System.nanoTime() - stopped) / 1_000_000;
            assertThat(down.status()).isEqualTo(HealthStatus.DOWN);
            assertThat(down.ready()).isFalse();
            assertThat(down.live()).isTrue();
            assertThat(down.storage().reason()).contains("127.0.0.1:" + server.port);

            server.start();
            long restarted = System.nanoTime();
            HealthReport back = await(rt, r -> r.status() == HealthStatus.UP);
            long toUp = (System.nanoTime() - restarted) / 1_000_000;
            assertThat(back.ready()).isTrue();
            // The same runtime serves again, with no restart of its own.
            rt.storage("probe-user").setString("k", "v");
            assertThat(rt.storage("probe-user").getString("k")).contains("v");
            LOG.info("Redis health: stopped -> DOWN in {} ms, restarted -> UP in {} ms", toDown, toUp);
            System.out.println("[redis-health] stopped->DOWN " + toDown + " ms, restarted->UP " + toUp + " ms");
        }
    }
}
