package dev.plinth.bench;

/**
 * Where the private benchmark redis-server listens. {@code benchmarks/run.sh} starts one on a free
 * loopback port and exports it as {@code PLINTH_BENCH_REDIS_PORT} (environment variables reach JMH's
 * forked JVMs). The shared server on 6379 is refused: other builds use it, and their traffic would both
 * disturb the figures and be disturbed by them.
 */
public final class RedisServer {
    /** The loopback address the private server binds. */
    public static final String HOST = "127.0.0.1";

    private RedisServer() {}

    /**
     * @return the private server's port
     * @throws IllegalStateException when none was given, or it is the shared 6379
     */
    public static int port() {
        String raw = System.getenv("PLINTH_BENCH_REDIS_PORT");
        if (raw == null || raw.isBlank()) {
            raw = System.getProperty("plinth.bench.redis.port");
        }
        if (raw == null || raw.isBlank()) {
            throw new IllegalStateException("No private redis-server: run the Redis benchmarks through "
                    + "benchmarks/run.sh, or export PLINTH_BENCH_REDIS_PORT=<port of a redis-server you started>");
        }
        int port = Integer.parseInt(raw.trim());
        if (port == 6379) {
            throw new IllegalStateException("Refusing the shared redis-server on 6379; start a private one");
        }
        return port;
    }
}
