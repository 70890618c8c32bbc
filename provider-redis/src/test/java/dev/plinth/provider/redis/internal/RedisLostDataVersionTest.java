package dev.plinth.provider.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.Precondition;
import dev.plinth.spi.storage.Write;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Versions never repeat, whatever the server lost: a private redis-server without persistence is
 * restarted empty, flushed, or replaced by a replica that missed the last writes, and a compareAndSet
 * holding a version from before the loss must fail even after the key was re-created and written as
 * often as it had been before (which, with a sequence that restarts from zero, lands on the same
 * version).
 */
class RedisLostDataVersionTest {
    private static final Namespace NS = Namespace.of("versions");
    /** Writes before the loss: enough that a restarted sequence needs as many to catch up. */
    private static final int WRITES = 40;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> options(String uri, String prefix) {
        Map<String, String> o = new HashMap<>();
        o.put("uri", uri);
        o.put("connectTimeout", "1s");
        o.put("readTimeout", "1s");
        o.put("keyPrefix", prefix);
        return o;
    }

    /** Writes {@code k} (through each write path) until its version is at least {@code WRITES} draws in. */
    private static long writeOften(RedisStorageBackend backend, String key) {
        long v = 0;
        for (int i = 0; i < WRITES; i++) {
            switch (i % 4) {
                case 0 -> v = backend.set(NS, key, b("set" + i), 0);
                case 1 ->
                    v = backend.commit(
                                    NS,
                                    new Commit(
                                            List.of(),
                                            List.of(
                                                    new Write.Put(key, b("all" + i), 0),
                                                    new Write.Put(key + "-other", b("x"), 0))))
                            .outcome(0);
                case 2 ->
                    v = backend.commit(
                                    NS,
                                    new Commit(
                                            List.of(new Precondition(key, v)),
                                            List.of(new Write.Put(key, b("tx" + i), 0))))
                            .outcome(0);
                default -> {
                    backend.delete(NS, key + "-counter");
                    backend.increment(NS, key + "-counter", 1);
                    v = backend.set(NS, key, b("again" + i), 60_000);
                }
            }
        }
        return v;
    }

    /**
     * After the loss: re-creates {@code key} and writes it until its version reaches the stale one (a
     * sequence that restarted gets there in about as many writes), then checks a compareAndSet holding the
     * stale version fails and changes nothing.
     */
    private static void staleVersionNeverMatches(RedisStorageBackend after, String key, long stale) {
        long v = after.set(NS, key, b("recreated"), 0);
        long firstAfter = v;
        for (int i = 0; i < 4 * WRITES && v < stale; i++) {
            v = after.set(NS, key, b("bump" + i), 0);
        }
        assertThat(after.compareAndSet(NS, key, stale, b("stale write"), 0))
                .as("compareAndSet with version %d from before the loss, the key now at %d", stale, v)
                .isEqualTo(KeyValueStore.ABSENT);
        assertThat(after.get(NS, key).value()).isNotEqualTo(b("stale write"));
        assertThat(firstAfter)
                .as("first version after the loss, above every version before it (%d)", stale)
                .isGreaterThan(stale);
        long cas = after.compareAndSet(NS, key, v, b("fresh write"), 0);
        assertThat(cas).isGreaterThan(v);
    }

    @Test
    void aServerRestartedEmptyNeverRepeatsAVersion() throws Exception {
        try (RedisServers.Server server = RedisServers.start()) {
            try (RedisStorageBackend backend =
                    Backends.open(options(server.uri(), Backends.uniquePrefix()), ChangeListener.NONE)) {
                long stale = writeOften(backend, "k");
                server.stop();
                server.start();
                assertThat(backend.get(NS, "k"))
                        .as("no persistence: the restart lost the key")
                        .isNull();
                staleVersionNeverMatches(backend, "k", stale);
            }
        }
    }

    @Test
    void aFlushedServerNeverRepeatsAVersionForAnyClient() throws Exception {
        try (RedisServers.Server server = RedisServers.start()) {
            String prefix = Backends.uniquePrefix();
            try (RedisStorageBackend one = Backends.open(options(server.uri(), prefix), ChangeListener.NONE);
                    RedisStorageBackend two = Backends.open(options(server.uri(), prefix), ChangeListener.NONE)) {
                long stale = Math.max(writeOften(one, "k"), writeOften(two, "j"));
                assertThat(server.command("FLUSHALL")).startsWith("+OK");
                assertThat(one.get(NS, "k")).isNull();
                // Both clients of the flushed server, each on its own key and then on the other's.
                staleVersionNeverMatches(two, "k", stale);
                staleVersionNeverMatches(one, "j", stale);
            }
        }
    }

    /** The server's clock in µs, as the scripts read it. */
    private static long serverMicros(RedisServers.Server server) throws Exception {
        String[] reply = server.command("TIME").split("\r\n");
        // *2, $n, seconds, $n, micros
        return Long.parseLong(reply[2]) * 1_000_000L + Long.parseLong(reply[4]);
    }

    @Test
    void aSequenceBehindTheServerClockJumpsToItAndAMissingOneStartsAheadByTheMargin() throws Exception {
        try (RedisServers.Server server = RedisServers.start()) {
            String prefix = Backends.uniquePrefix();
            try (RedisStorageBackend backend = Backends.open(options(server.uri(), prefix), ChangeListener.NONE)) {
                long before = serverMicros(server);
                long fresh = backend.set(NS, "k", b("1"), 0);
                assertThat(fresh)
                        .as("a new prefix's first version")
                        .isGreaterThanOrEqualTo(before + LuaScript.LOSS_MARGIN_MICROS);
                // A sequence written by an earlier release (a small counter) is below the clock: the next
                // version takes the clock as its floor, and the following ones count on from there.
                assertThat(server.command("SET", prefix + "#seq", "2001")).startsWith("+OK");
                before = serverMicros(server);
                long v = backend.set(NS, "k", b("2"), 0);
                assertThat(v)
                        .isGreaterThan(before)
                        .isLessThanOrEqualTo(serverMicros(server) + LuaScript.CLOCK_LEAD_MICROS);
                Map<String, Long> batch = Backends.versions(
                        backend,
                        NS,
                        new Commit(List.of(), List.of(new Write.Put("a", b("x"), 0), new Write.Put("b", b("y"), 0))));
                // (Consecutive within a batch; across writes only increasing: a write more than 10 ms later
                // jumps to the clock again.)
                assertThat(batch.get("a")).isGreaterThan(v);
                assertThat(batch.get("b")).isEqualTo(batch.get("a") + 1);
                assertThat(backend.increment(NS, "n", 1)).isEqualTo(1);
                assertThat(backend.get(NS, "n").version()).isGreaterThan(batch.get("b"));
            }
        }
    }

    @Test
    void aReplicaPromotedAfterItLaggedNeverRepeatsAVersion() throws Exception {
        // No wait for more replicas before a diskless sync (5 s by default).
        try (RedisServers.Server master = RedisServers.start("--repl-diskless-sync-delay", "0");
                RedisServers.Server replica = RedisServers.start()) {
            assertThat(replica.command("REPLICAOF", "127.0.0.1", Integer.toString(master.port)))
                    .startsWith("+OK");
            String prefix = Backends.uniquePrefix();
            try (RedisStorageBackend onMaster = Backends.open(options(master.uri(), prefix), ChangeListener.NONE)) {
                // A prefix in use for a while: its new sequence started LOSS_MARGIN_MICROS ahead of the clock,
                // and a failover within that second of a sequence (re)start is the case the margin trades
                // away (see LuaScript.DRAW); automatic failover takes longer.
                onMaster.set(NS, "first", b("x"), 0);
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (serverMicros(master)
                                <= Long.parseLong(
                                        master.command("GET", prefix + "#seq").split("\r\n")[1])
                        && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                writeOften(onMaster, "k");
                // The replica has everything so far...
                deadline = System.nanoTime() + 30_000_000_000L;
                while (!master.command("WAIT", "1", "1000").startsWith(":1") && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertThat(master.command("WAIT", "1", "1000")).startsWith(":1");
                // ...and is promoted now, so it misses what the master accepts next: a failover to a replica
                // that lagged by those writes.
                assertThat(replica.command("REPLICAOF", "NO", "ONE")).startsWith("+OK");
                long stale = writeOften(onMaster, "k");
                master.stop();
                // Noticing a dead master takes a failover far longer than the sequence's lead over the clock
                // (Sentinel's down-after-milliseconds, Cluster's node-timeout: seconds); a promotion within
                // that lead (1 ms) of the last write is the other case that could repeat a version.
                Thread.sleep(50);
                try (RedisStorageBackend onReplica =
                        Backends.open(options(replica.uri(), prefix), ChangeListener.NONE)) {
                    assertThat(onReplica.get(NS, "k").version()).isLessThan(stale);
                    staleVersionNeverMatches(onReplica, "k", stale);
                }
            }
        }
    }
}
