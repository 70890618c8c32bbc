package dev.plinth.provider.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.StorageBackend;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fallback server of {@link RedisServers} (embedded-redis's bundled Redis 6.2) works, and so does the
 * provider against that older server: every command the scripts use exists since Redis 6.2.
 */
class RedisEmbeddedFallbackTest {

    @Test
    void providerWorksOnTheEmbeddedServer() throws Exception {
        try (RedisServers.Server server = RedisServers.startEmbedded()) {
            assertThat(server.command("INFO", "server")).contains("redis_version:");
            Recorder events = new Recorder();
            Map<String, String> options = Map.of("uri", server.uri(), "keyPrefix", "p:", "sweepInterval", "20ms");
            try (RedisStorageBackend backend = Backends.open(options, events)) {
                Namespace ns = Namespace.of("embedded");
                long v = backend.set(ns, "k", "v".getBytes(StandardCharsets.UTF_8), StorageBackend.NO_EXPIRY);
                backend.set(ns, "t", "x".getBytes(StandardCharsets.UTF_8), 10);
                assertThat(backend.increment(ns, "n", 2)).isEqualTo(2);
                assertThat(backend.get(ns, "k").version()).isEqualTo(v);
                backend.clear(ns.child("c"));
                assertThat(events.await(5))
                        .extracting(Recorder.Change::type)
                        .containsExactlyInAnyOrder(
                                ChangeType.SET, ChangeType.SET, ChangeType.SET, ChangeType.EXPIRE, ChangeType.CLEAR);
                assertThat(backend.list(ns, GlobPattern.compile("*"), null, 10)).containsExactly("k", "n");
            }
        }
    }
}
