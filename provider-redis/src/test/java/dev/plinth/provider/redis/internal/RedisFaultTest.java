package dev.plinth.provider.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.ConfigurationException;
import dev.plinth.api.storage.BackendUnavailableException;
import dev.plinth.api.storage.ChangeType;
import dev.plinth.api.storage.StorageOpenException;
import dev.plinth.provider.redis.RedisAuthenticationException;
import dev.plinth.provider.redis.RedisOutOfMemoryException;
import dev.plinth.provider.redis.RedisStorageProvider;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Outages, bad credentials and server-side refusals, each against a private redis-server. */
class RedisFaultTest {
    private static final Namespace NS = Namespace.of("faults");
    private static final String SECRET = "s3cret-Pw-9f2";

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> fast(String uri) {
        Map<String, String> o = new HashMap<>();
        o.put("uri", uri);
        o.put("connectTimeout", "500ms");
        o.put("readTimeout", "500ms");
        o.put("keyPrefix", Backends.uniquePrefix());
        return o;
    }

    private static Set<String> providerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith("plinth-redis-") || n.startsWith("commons-pool"))
                .collect(Collectors.toSet());
    }

    /** Every message in the chain, to check no secret leaks through a cause either. */
    private static String chain(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            b.append(t).append('\n');
        }
        return b.toString();
    }

    @Test
    void serverStoppedMidRunFailsFastThenTheSameBackendWorksAgain() throws Exception {
        Set<String> before = providerThreads();
        Recorder events = new Recorder();
        try (RedisServers.Server server = RedisServers.start()) {
            RedisStorageBackend backend = Backends.open(fast(server.uri()), events);
            try {
                backend.set(NS, "k", b("1"), 0);
                server.stop();
                assertThatThrownBy(() -> backend.set(NS, "k", b("2"), 0))
                        .isInstanceOf(BackendUnavailableException.class)
                        .hasMessageContaining("127.0.0.1:" + server.port)
                        .satisfies(e -> assertThat(((BackendUnavailableException) e).isRetryable())
                                .isTrue());
                assertThatThrownBy(() -> backend.get(NS, "k")).isInstanceOf(BackendUnavailableException.class);
                assertThatThrownBy(() -> backend.read(NS, List.of("k", "j")))
                        .isInstanceOf(BackendUnavailableException.class);
                assertThatThrownBy(() -> backend.list(NS, GlobPattern.compile("*"), null, 10))
                        .isInstanceOf(BackendUnavailableException.class);
                assertThatThrownBy(() -> backend.tryLock(NS, "l", "t", 1000))
                        .isInstanceOf(BackendUnavailableException.class);

                server.start();
                // The server ran without persistence: the data is gone, the backend is not.
                assertThat(backend.get(NS, "k")).isNull();
                long v = backend.set(NS, "k", b("3"), 0);
                assertThat(backend.get(NS, "k").version()).isEqualTo(v);
                // No pooled connection was left inside a MULTI: a getAll after the outage reads normally.
                for (int i = 0; i < 20; i++) {
                    assertThat(backend.read(NS, List.of("k", "j")))
                            .extracting(BackendEntry::version)
                            .containsExactly(v);
                }

                // The change feed resubscribes on its own; keep writing until a change is reported again.
                boolean reported = false;
                for (int i = 0; i < 100 && !reported; i++) {
                    backend.set(NS, "marker", b(Integer.toString(i)), 0);
                    Thread.sleep(50);
                    reported =
                            events.all().stream().anyMatch(c -> c.type() == ChangeType.SET && "marker".equals(c.key()));
                }
                assertThat(reported).isTrue();
                // Watchers were told to re-read once, before the first change the new subscription received.
                List<Recorder.Change> seen = events.all();
                assertThat(seen).filteredOn(Recorder.MISSED::equals).hasSize(1);
                int missedAt = seen.indexOf(Recorder.MISSED);
                int firstMarker = seen.indexOf(seen.stream()
                        .filter(c -> "marker".equals(c.key()))
                        .findFirst()
                        .orElseThrow());
                assertThat(missedAt).isLessThan(firstMarker);
                assertThat(seen.subList(0, missedAt))
                        .extracting(Recorder.Change::key)
                        .containsOnly("k");
            } finally {
                backend.close();
            }
        }
        assertThat(providerThreads()).isEqualTo(before);
    }

    /** Fills the pool with several connections, as concurrent callers do. */
    private static void useSeveralConnections(RedisStorageBackend backend) throws Exception {
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 50; i++) {
                    backend.get(NS, "k");
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    @Test
    void aServerRestartedBetweenTwoCallsServesReadsAtOnce() throws Exception {
        try (RedisServers.Server server = RedisServers.start()) {
            Map<String, String> o = fast(server.uri());
            o.put("sweepInterval", "1h"); // nothing but the test touches the pool
            try (RedisStorageBackend backend = Backends.open(o, ChangeListener.NONE)) {
                backend.setWatched(false); // no change feed to notice the restart first
                backend.set(NS, "k", b("1"), 0);
                useSeveralConnections(backend);
                assertThat(backend.idleConnections()).isGreaterThan(1);
                server.stop();
                server.start();
                // Every pooled connection is from before the restart; no read may fail on one.
                int reads = 0;
                for (int i = 0; i < 20; i++) {
                    assertThat(backend.get(NS, "k")).isNull();
                    assertThat(backend.read(NS, List.of("k", "j"))).isEmpty();
                    assertThat(backend.exists(NS, "k")).isFalse();
                    assertThat(backend.count(NS, GlobPattern.compile("*"))).isZero();
                    assertThat(backend.list(NS, GlobPattern.compile("k*"), null, 10))
                            .isEmpty();
                    reads += 5;
                }
                assertThat(reads).isEqualTo(100);
                int writes = 0;
                for (int i = 0; i < 20; i++) {
                    backend.set(NS, "k" + i, b("v"), 0);
                    writes++;
                }
                assertThat(writes).isEqualTo(20);
            }
        }
    }

    @Test
    void aWatchedBackendDropsItsPooledConnectionsWhenTheServerGoesAway() throws Exception {
        try (RedisServers.Server server = RedisServers.start()) {
            Map<String, String> o = fast(server.uri());
            o.put("sweepInterval", "1h");
            // Opened without a runtime, the change feed runs.
            try (RedisStorageBackend backend = Backends.open(o, ChangeListener.NONE)) {
                backend.set(NS, "k", b("1"), 0);
                useSeveralConnections(backend);
                assertThat(backend.idleConnections()).isGreaterThan(1);
                server.stop();
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (backend.idleConnections() > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertThat(backend.idleConnections())
                        .as("idle connections after the feed saw the server go")
                        .isZero();
                server.start();
                // So even the first write after the restart connects afresh.
                int writes = 0;
                for (int i = 0; i < 20; i++) {
                    backend.set(NS, "k" + i, b("v"), 0);
                    writes++;
                }
                assertThat(writes).isEqualTo(20);
            }
        }
    }

    @Test
    void aWatchStartedWhileRedisIsDownGetsAGapSignalOnceSubscribed() throws Exception {
        Recorder events = new Recorder();
        try (RedisServers.Server server = RedisServers.start()) {
            RedisStorageBackend backend = Backends.open(fast(server.uri()), events);
            try {
                // What the runtime does right after open: nothing watches yet.
                backend.setWatched(false);
                assertThat(backend.feedRunning()).isFalse();
                server.stop();
                // The first watch cannot subscribe: it returns after the timeout instead of failing or hanging.
                backend.setWatched(true);
                assertThat(backend.feedRunning()).isTrue();
                assertThat(events.all()).isEmpty();

                server.start();
                // Once subscribed, the feed says changes may have gone unreported, then reports as usual.
                assertThat(events.await(1)).containsExactly(Recorder.MISSED);
                long v = backend.set(NS, "after", b("x"), 0);
                assertThat(events.await(2))
                        .containsExactly(Recorder.MISSED, new Recorder.Change(NS.path(), ChangeType.SET, "after", v));
            } finally {
                backend.close();
            }
        }
    }

    @Test
    void flushedScriptCacheIsReloadedByWritesAndTheSweeper() throws Exception {
        try (RedisServers.Server server = RedisServers.start()) {
            Recorder events = new Recorder();
            Map<String, String> o = fast(server.uri());
            o.put("sweepInterval", "20ms");
            try (RedisStorageBackend backend = Backends.open(o, events)) {
                backend.set(NS, "warm", b("1"), 0);
                assertThat(events.await(1)).hasSize(1);
                assertThat(server.command("SCRIPT", "FLUSH")).startsWith("+OK");
                long v = backend.set(NS, "k", b("2"), 0);
                assertThat(backend.get(NS, "k").version()).isEqualTo(v);
                assertThat(server.command("SCRIPT", "FLUSH")).startsWith("+OK");
                backend.set(NS, "short", b("3"), 5);
                assertThat(events.await(4))
                        .extracting(Recorder.Change::type)
                        .containsExactly(ChangeType.SET, ChangeType.SET, ChangeType.SET, ChangeType.EXPIRE);
            }
        }
    }

    @Test
    void frozenServerTimesOutInsteadOfHanging() throws Exception {
        try (RedisServers.Server server = RedisServers.start()) {
            try (RedisStorageBackend backend = Backends.open(fast(server.uri()), ChangeListener.NONE)) {
                backend.set(NS, "k", b("1"), 0);
                assertThat(server.pid())
                        .as("needs a redis-server process to freeze")
                        .isPositive();
                signal(server.pid(), "STOP");
                try {
                    assertThatThrownBy(() -> backend.get(NS, "k"))
                            .isInstanceOf(BackendUnavailableException.class)
                            .hasMessageContaining("127.0.0.1:" + server.port);
                    assertThatThrownBy(() -> backend.read(NS, List.of("k", "j")))
                            .isInstanceOf(BackendUnavailableException.class)
                            .hasMessageContaining("127.0.0.1:" + server.port);
                } finally {
                    signal(server.pid(), "CONT");
                }
                assertThat(backend.get(NS, "k")).isNotNull();
                // The timed-out connections were dropped, not pooled with replies still to come.
                for (int i = 0; i < 20; i++) {
                    assertThat(backend.read(NS, List.of("j", "k")))
                            .extracting(BackendEntry::key)
                            .containsExactly("k");
                    assertThat(backend.get(NS, "k").value()).isEqualTo(b("1"));
                }
            }
        }
    }

    /** A call against a broken server, and how long it took to fail (or return). */
    private static long millisToFail(String what, Runnable call, boolean mustFail) {
        long start = System.nanoTime();
        Throwable failure = null;
        try {
            call.run();
        } catch (RuntimeException e) {
            failure = e;
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (mustFail) {
            assertThat(failure).as(what).isInstanceOf(BackendUnavailableException.class);
            assertThat(((BackendUnavailableException) failure).isRetryable()).isTrue();
        } else {
            assertThat(failure).as(what).isNull();
        }
        return ms;
    }

    /**
     * Every call on a frozen (SIGSTOP) or stopped server fails, or for a watch returns, within
     * connectTimeout + readTimeout, and the same backend serves again once the server does. A frozen
     * server still accepts connections (the kernel does), so the reply timeout is what a call waits; the
     * timeouts are lopsided so that waiting for two replies (a broken pooled connection replaced at once,
     * in the caller's thread) or twice both timeouts (as watch() did) overshoots the bound. The bound
     * allows one reply timeout plus 1.5 s of scheduling slack (a loaded CI machine once took 2,068 ms for a
     * 1,500 ms timeout), still less than two reply timeouts.
     */
    @Test
    void everyCallOnAFrozenOrStoppedServerEndsWithinTheTimeoutsAndTheBackendRecovers() throws Exception {
        long connect = 500;
        long read = 2000;
        long bound = read + 1500;
        try (RedisServers.Server server = RedisServers.start()) {
            Map<String, String> o = fast(server.uri());
            o.put("connectTimeout", connect + "ms");
            o.put("readTimeout", read + "ms");
            Recorder events = new Recorder();
            try (RedisStorageBackend backend = Backends.open(o, events)) {
                backend.set(NS, "k", b("1"), 0);
                backend.setWatched(false); // as the runtime does right after open
                Map<String, Long> frozen = new java.util.LinkedHashMap<>();
                Map<String, Long> stopped = new java.util.LinkedHashMap<>();
                for (Map<String, Long> times : List.of(frozen, stopped)) {
                    if (times == frozen) {
                        signal(server.pid(), "STOP");
                    } else {
                        server.stop();
                    }
                    try {
                        times.put("get", millisToFail("get", () -> backend.get(NS, "k"), true));
                        times.put("getAll", millisToFail("getAll", () -> backend.read(NS, List.of("k")), true));
                        times.put("set", millisToFail("set", () -> backend.set(NS, "k", b("2"), 0), true));
                        times.put("increment", millisToFail("increment", () -> backend.increment(NS, "n", 1), true));
                        times.put("tryLock", millisToFail("tryLock", () -> backend.tryLock(NS, "l", "t", 1000), true));
                        times.put("watch", millisToFail("watch", () -> backend.setWatched(true), false));
                        backend.setWatched(false);
                    } finally {
                        if (times == frozen) {
                            long cont = System.nanoTime();
                            signal(server.pid(), "CONT");
                            times.put("recovered", untilItWorks(() -> backend.get(NS, "k"), cont));
                        }
                    }
                }
                long start = System.nanoTime();
                server.start();
                stopped.put("recovered", untilItWorks(() -> backend.set(NS, "k", b("3"), 0), start));
                System.out.printf(
                        "Redis, connectTimeout %d ms, readTimeout %d ms: frozen %s; stopped %s (ms;"
                                + " recovered = from SIGCONT / restart to the first call that worked)%n",
                        connect, read, frozen, stopped);
                for (Map.Entry<String, Long> t : frozen.entrySet()) {
                    assertThat(t.getValue()).as("frozen: " + t.getKey()).isLessThan(bound);
                }
                for (Map.Entry<String, Long> t : stopped.entrySet()) {
                    assertThat(t.getValue()).as("stopped: " + t.getKey()).isLessThan(bound);
                }
                // The same backend: a watch subscribes again and reports writes.
                backend.setWatched(true);
                assertThat(backend.feedRunning()).isTrue();
                events.clear();
                long v = backend.set(NS, "after", b("x"), 0);
                assertThat(events.await(1)).contains(new Recorder.Change(NS.path(), ChangeType.SET, "after", v));
            }
        }
    }

    /** Calls {@code op} until it works (within a generous 30 s) and returns the ms since {@code fromNanos}. */
    private static long untilItWorks(Runnable op, long fromNanos) throws InterruptedException {
        long deadline = fromNanos + 30_000_000_000L;
        while (true) {
            try {
                op.run();
                return (System.nanoTime() - fromNanos) / 1_000_000;
            } catch (BackendUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(5);
            }
        }
    }

    private static void signal(long pid, String sig) throws Exception {
        Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(pid))
                .inheritIO()
                .start();
        assertThat(p.waitFor()).isZero();
    }

    /**
     * An open failure is one {@link StorageOpenException}: it names the server, says once that opening
     * failed (no "could not open: ... could not open"), holds no second open exception among its causes
     * and never the password.
     */
    private static void isOneOpenFailure(Throwable e, String hostPort, boolean retryable) {
        assertThat(e).isInstanceOf(StorageOpenException.class).hasMessageContaining(hostPort);
        assertThat(((StorageOpenException) e).isRetryable()).as("retryable").isEqualTo(retryable);
        assertThat(((StorageOpenException) e).provider()).isEqualTo("redis");
        String all = chain(e);
        assertThat(all).doesNotContain(SECRET);
        assertThat(all.split("could not open", -1)).as(all).hasSize(2);
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            assertThat(t).isNotInstanceOf(StorageOpenException.class);
        }
    }

    @Test
    void openingAnUnreachableServerIsARetryableOpenFailureNamingTheAddressNotThePassword() throws Exception {
        int port = RedisServers.freePort();
        Map<String, String> o = fast("redis://127.0.0.1:" + port);
        o.put("password", SECRET);
        assertThatThrownBy(() -> Backends.open(o, ChangeListener.NONE))
                .satisfies(e -> isOneOpenFailure(e, "127.0.0.1:" + port, true));

        Map<String, String> inUri = fast("redis://app:" + SECRET + "@127.0.0.1:" + port + "/2");
        assertThatThrownBy(() -> Backends.open(inUri, ChangeListener.NONE))
                .satisfies(e -> isOneOpenFailure(e, "127.0.0.1:" + port, true));
    }

    @Test
    void aUriPointingAtSomethingElseThanRedisIsAnOpenFailureNamingIt() throws Exception {
        try (java.net.ServerSocket notRedis =
                new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            Thread http = new Thread(
                    () -> {
                        while (!notRedis.isClosed()) {
                            try (java.net.Socket c = notRedis.accept()) {
                                c.getOutputStream()
                                        .write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                            } catch (java.io.IOException closed) {
                                return;
                            }
                        }
                    },
                    "not-redis");
            http.setDaemon(true);
            http.start();
            Map<String, String> o = fast("redis://:" + SECRET + "@127.0.0.1:" + notRedis.getLocalPort());
            assertThatThrownBy(() -> Backends.open(o, ChangeListener.NONE))
                    .satisfies(e -> isOneOpenFailure(e, "127.0.0.1:" + notRedis.getLocalPort(), true));
        }
    }

    @Test
    void openingAFrozenServerFailsWithinTheTimeouts() throws Exception {
        try (RedisServers.Server server = RedisServers.start()) {
            Map<String, String> o = fast(server.uri());
            signal(server.pid(), "STOP");
            try {
                long start = System.nanoTime();
                assertThatThrownBy(() -> Backends.open(o, ChangeListener.NONE))
                        .satisfies(e -> isOneOpenFailure(e, "127.0.0.1:" + server.port, true));
                System.out.printf(
                        "open against a frozen Redis failed after %d ms (connectTimeout 500 ms, "
                                + "readTimeout 500 ms)%n",
                        (System.nanoTime() - start) / 1_000_000);
            } finally {
                signal(server.pid(), "CONT");
            }
        }
    }

    @Test
    void wrongOrMissingPasswordIsATypedErrorWithoutThePassword() throws Exception {
        try (RedisServers.Server server = RedisServers.start("--requirepass", SECRET)) {
            Map<String, String> wrong = fast(server.uri());
            wrong.put("password", "not-" + SECRET);
            assertThatThrownBy(() -> Backends.open(wrong, ChangeListener.NONE))
                    .hasMessageContaining("WRONGPASS")
                    .hasMessageContaining("password")
                    .satisfies(e -> isOneOpenFailure(e, "127.0.0.1:" + server.port, false));

            assertThatThrownBy(() -> Backends.open(fast(server.uri()), ChangeListener.NONE))
                    .hasMessageContaining("NOAUTH")
                    .satisfies(e -> isOneOpenFailure(e, "127.0.0.1:" + server.port, false));

            Map<String, String> right = fast(server.uri());
            right.put("password", SECRET);
            try (RedisStorageBackend backend = Backends.open(right, ChangeListener.NONE)) {
                backend.set(NS, "k", b("v"), 0);
                assertThat(backend.get(NS, "k")).isNotNull();
                assertThat(backend.toString()).doesNotContain(SECRET).contains("***");
            }
            Map<String, String> uriPassword = fast("redis://:" + SECRET + "@127.0.0.1:" + server.port);
            try (RedisStorageBackend backend = Backends.open(uriPassword, ChangeListener.NONE)) {
                assertThat(backend.exists(NS, "k")).isFalse();
                assertThat(backend.toString()).doesNotContain(SECRET);
            }
        }
    }

    @Test
    void aclUserAuthenticatesAndAWrongUserIsRefused() throws Exception {
        try (RedisServers.Server server = RedisServers.start()) {
            assertThat(server.command("ACL", "SETUSER", "app", "on", ">" + SECRET, "~*", "&*", "+@all"))
                    .startsWith("+OK");
            Map<String, String> o = fast(server.uri());
            o.put("username", "app");
            o.put("password", SECRET);
            try (RedisStorageBackend backend = Backends.open(o, ChangeListener.NONE)) {
                backend.set(NS, "k", b("v"), 0);
                assertThat(backend.toString()).contains("user 'app'").doesNotContain(SECRET);
            }
            Map<String, String> wrong = fast(server.uri());
            wrong.put("username", "nobody");
            wrong.put("password", SECRET);
            assertThatThrownBy(() -> Backends.open(wrong, ChangeListener.NONE))
                    .hasMessageContaining("username")
                    .satisfies(e -> isOneOpenFailure(e, "127.0.0.1:" + server.port, false));
            // Refused after open (the user disabled meanwhile): the typed error of a call, not of an open.
            try (RedisStorageBackend backend = Backends.open(o, ChangeListener.NONE)) {
                assertThat(server.command("ACL", "SETUSER", "app", "off")).startsWith("+OK");
                assertThat(server.command("CLIENT", "KILL", "USER", "app")).startsWith(":");
                assertThatThrownBy(() -> backend.get(NS, "k"))
                        .isInstanceOf(RedisAuthenticationException.class)
                        .hasMessageContaining("127.0.0.1:" + server.port)
                        .satisfies(e -> assertThat(chain(e)).doesNotContain(SECRET));
            }
        }
    }

    @Test
    void databaseOutOfRangeIsAConfigurationError() {
        Map<String, String> o = fast(RedisServers.sharedUri());
        o.put("database", "999");
        assertThatThrownBy(() -> Backends.open(o, ChangeListener.NONE))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("database")
                .hasMessageContaining("127.0.0.1:" + RedisServers.sharedPort());
    }

    @Test
    void outOfMemoryIsATypedErrorChangesNothingAndPassesOnceMemoryIsRaised() throws Exception {
        try (RedisServers.Server server =
                RedisServers.start("--maxmemory", "3mb", "--maxmemory-policy", "noeviction")) {
            try (RedisStorageBackend backend = Backends.open(fast(server.uri()), ChangeListener.NONE)) {
                byte[] big = new byte[256 * 1024];
                Throwable failure = null;
                int written = 0;
                for (int i = 0; i < 200 && failure == null; i++) {
                    try {
                        backend.set(NS, "k" + i, big, 0);
                        written++;
                    } catch (RuntimeException e) {
                        failure = e;
                    }
                }
                assertThat(failure)
                        .isInstanceOf(RedisOutOfMemoryException.class)
                        .hasMessageContaining("127.0.0.1:" + server.port);
                assertThat(backend.count(NS, GlobPattern.compile("*"))).isEqualTo(written);
                assertThat(backend.get(NS, "k0")).isNotNull();
                assertThat(backend.delete(NS, "k0")).isTrue();

                // Memory raised: the same backend writes again, without a reopen.
                assertThat(server.command("CONFIG", "SET", "maxmemory", "64mb")).startsWith("+OK");
                int after = 0;
                for (int i = 0; i < 20; i++) {
                    backend.set(NS, "again" + i, big, 0);
                    after++;
                }
                assertThat(after).isEqualTo(20);
                assertThat(backend.commit(
                                        NS,
                                        new Commit(
                                                List.of(),
                                                List.of(
                                                        new dev.plinth.spi.storage.Write.Put("t1", big, 0),
                                                        new dev.plinth.spi.storage.Write.Put("t2", big, 0))))
                                .size())
                        .isEqualTo(2);
                assertThat(backend.increment(NS, "n", 1)).isEqualTo(1);
                assertThat(backend.count(NS, GlobPattern.compile("*"))).isEqualTo(written - 1 + 20 + 3);
            }
        }
    }

    @Test
    void optionsAreValidatedWithTheOptionName() {
        Map<String, String> cluster = fast(RedisServers.sharedUri());
        cluster.put("mode", "cluster");
        assertThatThrownBy(() -> Backends.open(cluster, ChangeListener.NONE))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("clusterNodes");
        Map<String, String> sentinel = fast(RedisServers.sharedUri());
        sentinel.put("mode", "sentinel");
        assertThatThrownBy(() -> Backends.open(sentinel, ChangeListener.NONE))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("sentinelMaster");
        Map<String, String> prefix = fast(RedisServers.sharedUri());
        prefix.put("keyPrefix", "bad{prefix}");
        assertThatThrownBy(() -> Backends.open(prefix, ChangeListener.NONE))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("keyPrefix");
        Map<String, String> scheme = fast("http://127.0.0.1:6379");
        assertThatThrownBy(() -> Backends.open(scheme, ChangeListener.NONE))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("redis://");
        assertThat(List.of(new RedisStorageProvider()
                        .options().stream().map(o -> o.name()).toArray()))
                .contains("uri", "host", "port", "mode", "password", "maxKeys", "sweepInterval");
    }
}
