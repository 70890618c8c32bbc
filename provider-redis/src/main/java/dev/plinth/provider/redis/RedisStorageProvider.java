package dev.plinth.provider.redis;

import dev.plinth.spi.storage.Capability;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.CommonOptions;
import dev.plinth.spi.storage.OptionSpec;
import dev.plinth.spi.storage.ProviderConfig;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.StorageProvider;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Storage on Redis (standalone, Sentinel or Cluster) shared by every process that opens the same server
 * and {@code keyPrefix}: writes, change events and locks cross processes.
 *
 * <p>Not {@link Capability#DURABLE}: whether an acknowledged write survives a Redis restart depends on the
 * server's persistence settings (RDB/AOF, {@code appendfsync}), which the provider neither controls nor can
 * verify; acknowledged writes are lost on a server without persistence. See {@code docs/providers/redis.md}.
 *
 * <p>Constructing the provider and reading its metadata is free: nothing connects until {@link #open}.
 */
public final class RedisStorageProvider implements StorageProvider {

    /** Connection modes. */
    public enum Mode {
        /** One server (or a proxy) at {@code uri} or {@code host}/{@code port}. */
        STANDALONE,
        /** The current master of {@code sentinelMaster}, found through {@code sentinels}. */
        SENTINEL,
        /** A Redis Cluster reached through {@code clusterNodes}. */
        CLUSTER
    }

    /** {@code redis://[user:password@]host:port[/db]} or {@code rediss://...} for TLS. */
    public static final OptionSpec<String> URI = OptionSpec.string("uri", "redis://127.0.0.1:6379",
            "server address as redis://host:port[/db] or rediss://host:port[/db] (TLS); ignored when host is set");
    /** Host name, overrides {@link #URI}. */
    public static final OptionSpec<String> HOST = OptionSpec.string("host", null,
            "server host; when set, host and port are used instead of uri");
    /** Port used with {@link #HOST}. */
    public static final OptionSpec<Integer> PORT = OptionSpec.integer("port", 6379, 1, 65535,
            "server port, used with host");
    /** Standalone, Sentinel or Cluster. */
    public static final OptionSpec<Mode> MODE = OptionSpec.enumValue("mode", Mode.class, Mode.STANDALONE,
            "standalone, sentinel or cluster");
    /** Sentinel master name. */
    public static final OptionSpec<String> SENTINEL_MASTER = OptionSpec.string("sentinelMaster", null,
            "the master name monitored by the sentinels (mode=sentinel)");
    /** Sentinel addresses. */
    public static final OptionSpec<String> SENTINELS = OptionSpec.string("sentinels", null,
            "comma-separated host:port of sentinels (mode=sentinel)");
    /** Cluster seed nodes. */
    public static final OptionSpec<String> CLUSTER_NODES = OptionSpec.string("clusterNodes", null,
            "comma-separated host:port of cluster nodes to discover the cluster from (mode=cluster)");
    /** ACL user name. */
    public static final OptionSpec<String> USERNAME = OptionSpec.string("username", null,
            "ACL user name (Redis 6+); default user when unset");
    /** Password; never shown. */
    public static final OptionSpec<String> PASSWORD = OptionSpec.secret("password",
            "password (AUTH); overrides a password given in uri");
    /** Database index. */
    public static final OptionSpec<Integer> DATABASE = OptionSpec.integer("database", -1, -1, 1_000_000,
            "database index (standalone and sentinel); -1 uses the one in uri, else 0");
    /** TLS. */
    public static final OptionSpec<Boolean> SSL = OptionSpec.bool("ssl", false,
            "connect with TLS (also implied by a rediss:// uri)");
    /** Connect timeout. */
    public static final OptionSpec<Duration> CONNECT_TIMEOUT = OptionSpec.duration("connectTimeout",
            Duration.ofSeconds(2), Duration.ofMillis(10), "how long to wait for a TCP/TLS connection");
    /** Read timeout. */
    public static final OptionSpec<Duration> READ_TIMEOUT = OptionSpec.duration("readTimeout",
            Duration.ofSeconds(2), Duration.ofMillis(10),
            "how long to wait for a reply before failing with BackendUnavailableException");
    /** Connection pool size. */
    public static final OptionSpec<Integer> POOL_SIZE = OptionSpec.integer("poolSize", 16, 1, 1024,
            "most pooled connections (per node in cluster mode)");
    /** Key prefix. */
    public static final OptionSpec<String> KEY_PREFIX = OptionSpec.string("keyPrefix", "plinth:",
            "prefix of every Redis key and channel; processes sharing data use the same prefix");

    private static final List<OptionSpec<?>> OPTIONS = List.of(URI, HOST, PORT, MODE, SENTINEL_MASTER, SENTINELS,
            CLUSTER_NODES, USERNAME, PASSWORD, DATABASE, SSL, CONNECT_TIMEOUT, READ_TIMEOUT, POOL_SIZE, KEY_PREFIX,
            CommonOptions.MAX_KEYS, CommonOptions.SWEEP_INTERVAL);

    private static final Set<Capability> CAPABILITIES = java.util.Collections.unmodifiableSet(EnumSet.of(
            Capability.SHARED_ACROSS_PROCESSES, Capability.CROSS_PROCESS_EVENTS, Capability.CROSS_PROCESS_LOCKS));

    /** Creates the provider; does nothing else. */
    public RedisStorageProvider() {
    }

    @Override
    public String id() {
        return "redis";
    }

    @Override
    public String description() {
        return "Redis (standalone, Sentinel, Cluster) via Jedis: shared by processes, cross-process events and locks";
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public List<OptionSpec<?>> options() {
        return OPTIONS;
    }

    @Override
    public StorageBackend open(ProviderConfig config, ChangeListener changes) {
        RedisSettings settings = RedisSettings.from(config);
        return RedisStorageBackend.open(settings, changes);
    }
}
