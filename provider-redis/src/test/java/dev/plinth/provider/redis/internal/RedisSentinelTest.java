package dev.plinth.provider.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** mode=sentinel: the backend finds the master through a private Sentinel. */
class RedisSentinelTest {

    @Test
    void findsTheMasterThroughTheSentinel() throws Exception {
        try (RedisServers.Server master = RedisServers.start();
                RedisServers.Server sentinel = RedisServers.startSentinel("plinthmaster", master.port)) {
            Recorder events = new Recorder();
            Map<String, String> options = Map.of(
                    "mode",
                    "sentinel",
                    "sentinelMaster",
                    "plinthmaster",
                    "sentinels",
                    "127.0.0.1:" + sentinel.port,
                    "keyPrefix",
                    Backends.uniquePrefix());
            try (RedisStorageBackend backend = Backends.open(options, events)) {
                Namespace ns = Namespace.of("sentinel");
                long v = backend.set(ns, "k", "v".getBytes(StandardCharsets.UTF_8), 0);
                assertThat(backend.get(ns, "k").version()).isEqualTo(v);
                // getAll's MULTI/EXEC pipeline goes to the master too.
                assertThat(backend.read(ns, List.of("k", "absent")))
                        .extracting(BackendEntry::version)
                        .containsExactly(v);
                assertThat(backend.list(ns, GlobPattern.compile("*"), null, 5)).containsExactly("k");
                assertThat(backend.toString())
                        .contains("sentinel master 'plinthmaster' via 127.0.0.1:" + sentinel.port);
                List<Recorder.Change> seen = events.await(1);
                assertThat(seen).containsExactly(new Recorder.Change("sentinel", ChangeType.SET, "k", v));
            }
            // The data went to the master the sentinel named.
            assertThat(master.command("DBSIZE")).doesNotStartWith(":0");
        }
    }
}
