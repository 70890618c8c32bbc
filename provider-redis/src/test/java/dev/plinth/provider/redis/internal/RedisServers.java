package dev.plinth.provider.redis.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts private Redis servers for tests that restart or reconfigure one: {@code redis-server} from the
 * PATH when present (without persistence, on 127.0.0.1 and a free port, stopped by PID), else the binary
 * bundled with embedded-redis. Logs which one ran; never skips.
 */
final class RedisServers {
    private static final Logger LOG = LoggerFactory.getLogger(RedisServers.class);
    /** The shared server most tests use. */
    private static final String SHARED_URI = "redis://127.0.0.1:6379";

    private static volatile String sharedUri;

    /**
     * The server most tests share: the machine's Redis on 127.0.0.1:6379 when it answers, otherwise one
     * private server (redis-server from the PATH, else embedded-redis) started once for this JVM and
     * stopped when it exits, so the test command also passes on a machine without a Redis install.
     *
     * @return the {@code uri} option of the shared server
     */
    static synchronized String sharedUri() {
        if (sharedUri == null) {
            sharedUri = answersPing(6379) ? SHARED_URI : startPrivateShared();
        }
        return sharedUri;
    }

    /** @return the port of {@link #sharedUri()} */
    static int sharedPort() {
        String uri = sharedUri();
        return Integer.parseInt(uri.substring(uri.lastIndexOf(':') + 1));
    }

    private static boolean answersPing(int port) {
        try {
            return command(port, "PING").startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    private static String startPrivateShared() {
        try {
            Server server = start();
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                try {
                                    server.stop();
                                } catch (IOException ignored) {
                                    // the JVM is exiting; the server dies with its parent's cleanup at worst
                                }
                            },
                            "redis-test-server-stop"));
            LOG.info(
                    "No Redis answers on 127.0.0.1:6379: the shared tests use a private server on port {}",
                    server.port);
            return "redis://127.0.0.1:" + server.port;
        } catch (IOException e) {
            throw new IllegalStateException("No Redis on 127.0.0.1:6379 and no private server could start", e);
        }
    }

    private RedisServers() {}

    /** A running private server. */
    static final class Server implements AutoCloseable {
        final int port;
        private final List<String> extraArgs;
        private Process process;
        private redis.embedded.RedisServer embedded;

        private Path sentinelConfig;
        private boolean forceEmbedded;

        private Server(int port, List<String> extraArgs) {
            this.port = port;
            this.extraArgs = extraArgs;
        }

        String uri() {
            return "redis://127.0.0.1:" + port;
        }

        private Path scratch;

        /** This server's working directory, removed on {@link #close()}. */
        private Path scratchDir() throws IOException {
            if (scratch == null) {
                scratch = Files.createTempDirectory("plinth-redis-test");
            }
            return scratch;
        }

        /** @return the server's PID: our child process, or embedded-redis's child found by its port */
        long pid() {
            if (process != null) {
                return process.pid();
            }
            String portArg = Integer.toString(port);
            List<ProcessHandle> servers = ProcessHandle.current()
                    .descendants()
                    .filter(h -> h.info()
                            .command()
                            .map(c -> c.contains("redis-server"))
                            .orElse(false))
                    .collect(java.util.stream.Collectors.toList());
            return servers.stream()
                    .filter(h -> servers.size() == 1
                            || h.info()
                                    .commandLine()
                                    .map(c -> c.contains(portArg))
                                    .orElse(false))
                    .mapToLong(ProcessHandle::pid)
                    .findFirst()
                    .orElse(-1);
        }

        void start() throws IOException {
            String exe = forceEmbedded || Boolean.getBoolean("plinth.test.redis.embedded")
                    ? null
                    : findOnPath("redis-server");
            if (sentinelConfig != null) {
                process = new ProcessBuilder(exe, sentinelConfig.toString(), "--sentinel")
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                LOG.info("Started a Redis Sentinel on port {} (pid {})", port, process.pid());
            } else if (exe != null) {
                List<String> cmd = new ArrayList<>(List.of(
                        exe,
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no"));
                if (!extraArgs.contains("--dir")) {
                    // A replica writes the RDB it syncs even without persistence: never into the source tree.
                    cmd.addAll(List.of("--dir", scratchDir().toString()));
                }
                cmd.addAll(extraArgs);
                process = new ProcessBuilder(cmd)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                LOG.info("Started {} on port {} (pid {})", exe, port, process.pid());
            } else {
                redis.embedded.core.RedisServerBuilder b = redis.embedded.RedisServer.newRedisServer()
                        .port(port)
                        .bind("127.0.0.1")
                        .setting("save \"\"")
                        .setting("appendonly no");
                for (int i = 0; i + 1 < extraArgs.size(); i += 2) {
                    b.setting(extraArgs.get(i).substring(2) + " " + extraArgs.get(i + 1));
                }
                embedded = b.build();
                embedded.start();
                LOG.info(
                        "{}: started embedded-redis (its bundled redis-server) on port {}",
                        forceEmbedded ? "Embedded server requested" : "redis-server is not on PATH",
                        port);
            }
            awaitPing();
        }

        /** Stops the server (SIGTERM to its PID, then SIGKILL) and waits until it is gone. */
        void stop() throws IOException {
            if (process != null) {
                ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroy);
                try {
                    if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                        ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
                        process.waitFor();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                process = null;
            } else if (embedded != null) {
                embedded.stop();
                embedded = null;
            }
        }

        /** Sends one inline command and returns the raw reply line(s). */
        String command(String... words) throws IOException {
            return RedisServers.command(port, words);
        }

        private void awaitPing() throws IOException {
            for (int i = 0; i < 500; i++) {
                try {
                    String reply = command("PING");
                    if (reply.startsWith("+PONG") || reply.startsWith("-NOAUTH")) {
                        return;
                    }
                } catch (IOException notYet) {
                    // Not listening yet.
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
            throw new IOException("redis-server on port " + port + " did not answer PING");
        }

        @Override
        public void close() throws IOException {
            stop();
            if (scratch != null) {
                try (java.util.stream.Stream<Path> files = Files.list(scratch)) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        Files.deleteIfExists(f);
                    }
                }
                Files.deleteIfExists(scratch);
            }
        }
    }

    /**
     * @param extraArgs more {@code --name value} pairs for the server
     * @return a started private server on a free port
     */
    static Server start(String... extraArgs) throws IOException {
        Server s = new Server(freePort(), List.of(extraArgs));
        return started(s);
    }

    /** A running cluster of private masters (no replicas). */
    static final class Cluster implements AutoCloseable {
        final List<Server> nodes;

        private Cluster(List<Server> nodes) {
            this.nodes = nodes;
        }

        /** @return the {@code clusterNodes} option value */
        String nodesOption() {
            StringBuilder b = new StringBuilder();
            for (Server s : nodes) {
                if (b.length() > 0) {
                    b.append(',');
                }
                b.append("127.0.0.1:").append(s.port);
            }
            return b.toString();
        }

        @Override
        public void close() throws IOException {
            for (Server s : nodes) {
                s.stop();
            }
        }
    }

    /**
     * Starts {@code masters} cluster-enabled servers and joins them with {@code redis-cli --cluster create}.
     * Needs redis-server and redis-cli on the PATH (the cluster tests are the only ones that do not fall
     * back to embedded-redis; they fail, never skip, without them).
     */
    static Cluster startCluster(int masters) throws IOException, InterruptedException {
        String cli = findOnPath("redis-cli");
        if (cli == null || findOnPath("redis-server") == null) {
            throw new IOException("redis-server and redis-cli must be on PATH for the cluster tests");
        }
        List<Server> nodes = new ArrayList<>();
        Cluster cluster = new Cluster(nodes);
        try {
            for (int i = 0; i < masters; i++) {
                Path dir = Files.createTempDirectory("plinth-redis-cluster");
                dir.toFile().deleteOnExit();
                nodes.add(start(
                        "--cluster-enabled",
                        "yes",
                        "--cluster-config-file",
                        "nodes.conf",
                        "--dir",
                        dir.toString(),
                        "--cluster-node-timeout",
                        "2000"));
            }
            List<String> cmd = new ArrayList<>(List.of(cli, "--cluster", "create"));
            for (Server s : nodes) {
                cmd.add("127.0.0.1:" + s.port);
            }
            cmd.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IOException("redis-cli --cluster create failed: " + out);
            }
            for (int i = 0; i < 500; i++) {
                boolean ok = true;
                for (Server s : nodes) {
                    ok &= command(s.port, "CLUSTER", "INFO").contains("cluster_state:ok");
                }
                if (ok) {
                    LOG.info("Started a {}-master Redis Cluster at {}", masters, cluster.nodesOption());
                    return cluster;
                }
                Thread.sleep(20);
            }
            throw new IOException("the Redis Cluster did not reach cluster_state:ok");
        } catch (IOException | RuntimeException | InterruptedException e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * Starts a Sentinel monitoring the master at {@code masterPort} as {@code masterName} (quorum 1).
     * Needs redis-server on the PATH.
     */
    static Server startSentinel(String masterName, int masterPort) throws IOException {
        if (findOnPath("redis-server") == null) {
            throw new IOException("redis-server must be on PATH for the sentinel test");
        }
        Server s = new Server(freePort(), List.of());
        Path dir = Files.createTempDirectory("plinth-redis-sentinel");
        s.sentinelConfig = dir.resolve("sentinel.conf");
        Files.writeString(
                s.sentinelConfig,
                String.join(
                        "\n",
                        "port " + s.port,
                        "bind 127.0.0.1",
                        "dir " + dir,
                        "sentinel monitor " + masterName + " 127.0.0.1 " + masterPort + " 1",
                        "sentinel down-after-milliseconds " + masterName + " 2000",
                        ""));
        return started(s);
    }

    /** Starts embedded-redis's bundled server even when redis-server is on the PATH (tests the fallback). */
    static Server startEmbedded() throws IOException {
        Server s = new Server(freePort(), List.of());
        s.forceEmbedded = true;
        return started(s);
    }

    /** Starts {@code s}; stops whatever part of it started when starting fails. */
    private static Server started(Server s) throws IOException {
        try {
            s.start();
        } catch (IOException | RuntimeException e) {
            s.stop();
            throw e;
        }
        return s;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    /** Runs a command on the server at {@code port} using RESP, returning the raw first reply chunk. */
    static String command(int port, String... words) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(5000);
            StringBuilder req = new StringBuilder("*").append(words.length).append("\r\n");
            for (String w : words) {
                byte[] b = w.getBytes(StandardCharsets.UTF_8);
                req.append('$').append(b.length).append("\r\n").append(w).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[8192];
            int n = in.read(buf);
            return n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.UTF_8);
        }
    }

    static String findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }
}
