package dev.plinth.provider.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.InvalidArgumentException;
import dev.plinth.api.storage.QuotaExceededException;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.Write;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Redis's EntryScan and BulkLoad beyond the TCK's clauses: what the index holds that the hashes do not (an
 * expired key the sweeper has not reclaimed yet), what a bulk load leaves out (change events) and what it must
 * not (the indexes the integrity check compares, the quota).
 */
class RedisBulkTest {
    private static final Namespace NS = Namespace.of("notes");

    private final Recorder events = new Recorder();
    private String prefix;
    private RedisStorageBackend backend;

    @BeforeEach
    void open() {
        prefix = Backends.uniquePrefix();
        // No sweep while a test looks at leftovers in the index.
        backend = Backends.open(Map.of("keyPrefix", prefix, "sweepInterval", "1h"), events);
    }

    @AfterEach
    void close() {
        backend.close();
        Backends.purge(RedisServers.sharedPort(), prefix);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aPageIsFullPastExpiredKeysTheIndexStillHolds() {
        for (int i = 0; i < 10; i++) {
            backend.set(NS, "k" + i, b("v" + i), 0);
        }
        // k1..k4 expire as Redis sees it (their hashes go), while both indexes still name them.
        try (Jedis j = new Jedis("127.0.0.1", RedisServers.sharedPort())) {
            for (int i = 1; i <= 4; i++) {
                assertThat(j.del(prefix + "{notes}:0:k" + i)).isEqualTo(1);
            }
        }
        List<BackendEntry> first = backend.scan(NS, null, 3);
        assertThat(first).extracting(BackendEntry::key).containsExactly("k0", "k5", "k6");
        List<BackendEntry> second = backend.scan(NS, "k6", 3);
        assertThat(second).extracting(BackendEntry::key).containsExactly("k7", "k8", "k9");
        assertThat(backend.scan(NS, "k9", 3)).isEmpty();
        assertThat(first.get(0).value()).isEqualTo(b("v0"));
        assertThat(first.get(0).version()).isEqualTo(backend.get(NS, "k0").version());
    }

    @Test
    void scanFollowsAClearToTheNewGeneration() {
        backend.set(NS, "old", b("1"), 0);
        backend.clear(NS);
        backend.set(NS, "new", b("2"), 0);
        assertThat(backend.scan(NS, null, 10)).extracting(BackendEntry::key).containsExactly("new");
    }

    @Test
    void aBulkLoadPublishesNoEventsAndLeavesASoundDataSet() throws Exception {
        List<Write.Put> puts = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            puts.add(new Write.Put("k" + i, b("v" + i), i % 3 == 0 ? 3_600_000 : 0));
        }
        backend.loadNew(NS, puts);
        // A marker written the ordinary way after the load: once its event is here, the load's would be too.
        backend.set(NS, "marker", b("m"), 0);
        assertThat(events.await(1)).extracting(Recorder.Change::key).containsExactly("marker");

        assertThat(backend.count(NS, GlobPattern.compile("*"))).isEqualTo(2501);
        assertThat(backend.checkIntegrity()).isEmpty();
        BackendEntry expiring = backend.get(NS, "k3");
        assertThat(expiring.expiresAtMillis()).isPositive();
        assertThat(backend.get(NS, "k4").expiresAtMillis()).isZero();
        assertThat(backend.namespaces()).containsEntry(NS, 2501L);
    }

    @Test
    void aBulkLoadRefusesATtlTheContractDoesNotAllow() {
        assertThatThrownBy(() -> backend.loadNew(NS, List.of(new Write.Put("k", b("v"), Write.KEEP_EXPIRY))))
                .isInstanceOf(InvalidArgumentException.class);
        assertThat(backend.count(NS, GlobPattern.compile("*"))).isZero();
    }

    @Test
    void withAQuotaABulkLoadCommitsAndTheQuotaHolds() {
        backend.close();
        backend = Backends.open(Map.of("keyPrefix", prefix, "maxKeys", "2"), events);
        backend.loadNew(NS, List.of(new Write.Put("a", b("1"), 0), new Write.Put("b", b("2"), 0)));
        assertThatThrownBy(() -> backend.loadNew(NS, List.of(new Write.Put("c", b("3"), 0))))
                .isInstanceOf(QuotaExceededException.class);
        assertThat(backend.list(NS, GlobPattern.compile("*"), null, 10)).containsExactly("a", "b");
    }
}
