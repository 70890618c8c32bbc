package dev.plinth.provider.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.CommitResult;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.Precondition;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.Write;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** mode=cluster on a private 3-master Redis Cluster: scopes spread over slots, each scope in one. */
class RedisClusterTest {
    private static RedisServers.Cluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = RedisServers.startCluster(3);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    static Map<String, String> options(String prefix) {
        return Map.of(
                "mode", "cluster", "clusterNodes", cluster.nodesOption(), "keyPrefix", prefix, "sweepInterval", "50ms");
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void scopesOnEveryNodeWorkAtomicallyAndReportChanges() throws Exception {
        Recorder events = new Recorder();
        Recorder other = new Recorder();
        String prefix = Backends.uniquePrefix();
        try (RedisStorageBackend backend = Backends.open(options(prefix), events);
                RedisStorageBackend second = Backends.open(options(prefix), other)) {
            List<Namespace> scopes = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                scopes.add(Namespace.of("plugin" + i));
            }
            long last = 0;
            for (Namespace ns : scopes) {
                long v = backend.set(ns, "k", b(ns.path()), 0);
                assertThat(v).isGreaterThan(0);
                CommitResult tx = second.commit(
                        ns,
                        new Commit(
                                List.of(new Precondition("k", v)),
                                List.of(
                                        new Write.Put("k", b("tx"), 0),
                                        new Write.Put("k2", b("x"), StorageBackend.NO_EXPIRY))));
                assertThat(tx.outcome(0)).isGreaterThan(v);
                last = tx.outcome(1);
                assertThat(backend.list(ns, GlobPattern.compile("*"), null, 10)).containsExactly("k", "k2");
                // Cluster mode reads batches through the script (its pipelines do not follow redirects).
                assertThat(backend.read(ns, List.of("k2", "none", "k")))
                        .extracting(BackendEntry::key)
                        .containsExactly("k2", "k");
                assertThat(backend.increment(ns, "n", 3)).isEqualTo(3);
                assertThat(backend.tryLock(ns, "lock", "t", 5_000)).isTrue();
                assertThat(second.tryLock(ns, "lock", "u", 5_000)).isFalse();
                assertThat(backend.unlock(ns, "lock", "t")).isTrue();
            }
            assertThat(last).isPositive();
            // Versions stay increasing per key across delete and clear (per-scope sequence in cluster mode).
            Namespace ns = scopes.get(0);
            long before = backend.get(ns, "k").version();
            backend.clear(ns);
            assertThat(backend.count(ns, GlobPattern.compile("*"))).isZero();
            assertThat(backend.set(ns, "k", b("again"), 0)).isGreaterThan(before);
            assertThat(backend.get(scopes.get(1), "k")).isNotNull();

            backend.set(scopes.get(2), "short", b("x"), 20);
            int expected = 12 * 4 + 3; // per scope: set, 2 puts, increment; then clear, set, set short
            List<Recorder.Change> mine = events.await(expected + 1);
            assertThat(mine)
                    .filteredOn(c -> c.type() == ChangeType.EXPIRE)
                    .extracting(Recorder.Change::key)
                    .containsExactly("short");
            assertThat(mine).filteredOn(c -> c.type() == ChangeType.CLEAR).hasSize(1);
            assertThat(other.await(expected + 1)).hasSameSizeAs(mine);
            assertThat(backend.lockEntries()).isZero();
        }
        // The private cluster is discarded with its data after the class.
    }
}
