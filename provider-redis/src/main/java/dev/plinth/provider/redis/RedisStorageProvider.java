package dev.plinth.provider.redis;

import dev.plinth.provider.redis.internal.RedisStorageBackend;
import dev.plinth.spi.storage.BackendContext;
import dev.plinth.spi.storage.Capability;
import dev.plinth.spi.storage.CommonOptions;
import dev.plinth.spi.storage.OptionSpec;
import dev.plinth.spi.storage.ProviderConfig;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.StorageProvider;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
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
 * Instances are stateless and thread-safe; the runtime finds this class through {@link java.util.ServiceLoader}
 * and users select it with {@code plinth.storage.provider=redis}. The options below are read from
 * {@code plinth.storage.redis.<name>}; {@code docs/providers/redis.md} describes each, the data layout on the
 * server and how failures surface.
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
    public static final OptionSpec<String> URI = OptionSpec.string(
            "uri",
            "redis://127.0.0.1:6379",
            "server address as redis://host:port[/db] or rediss://host:port[/db] (TLS); ignored when host is set");
    /** Host name, overrides {@link #URI}. */
    public static final OptionSpec<String> HOST =
            OptionSpec.string("host", null, "server host; when set, host and port are used instead of uri");
    /** Port used with {@link #HOST}. */
    public static final OptionSpec<Integer> PORT =
            OptionSpec.integer("port", 6379, 1, 65535, "server port, used with host");
    /** Standalone, Sentinel or Cluster. */
    public static final OptionSpec<Mode> MODE =
            OptionSpec.enumValue("mode", Mode.class, Mode.STANDALONE, "standalone, sentinel or cluster");
    /** Sentinel master name. */
    public static final OptionSpec<String> SENTINEL_MASTER =
            OptionSpec.string("sentinelMaster", null, "the master name monitored by the sentinels (mode=sentinel)");
    /** Sentinel addresses. */
    public static final OptionSpec<String> SENTINELS =
            OptionSpec.string("sentinels", null, "comma-separated host:port of sentinels (mode=sentinel)");
    /** Cluster seed nodes. */
    public static final OptionSpec<String> CLUSTER_NODES = OptionSpec.string(
            "clusterNodes",
            null,
            "comma-separated host:port of cluster nodes to discover the cluster from (mode=cluster)");
    /** ACL user name. */
    public static final OptionSpec<String> USERNAME =
            OptionSpec.string("username", null, "ACL user name (Redis 6+); default user when unset");
    /** Password; never shown. */
    public static final OptionSpec<String> PASSWORD =
            OptionSpec.secret("password", "password (AUTH); overrides a password given in uri");
    /** Database index. */
    public static final OptionSpec<Integer> DATABASE = OptionSpec.integer(
            "database", -1, -1, 1_000_000, "database index (standalone and sentinel); -1 uses the one in uri, else 0");
    /** TLS. */
    public static final OptionSpec<Boolean> SSL =
            OptionSpec.bool("ssl", false, "connect with TLS (also implied by a rediss:// uri)");
    /** Connect timeout. */
    public static final OptionSpec<Duration> CONNECT_TIMEOUT = OptionSpec.duration(
            "connectTimeout",
            Duration.ofSeconds(2),
            Duration.ofMillis(10),
            "how long to wait for a TCP/TLS connection");
    /** Read timeout. */
    public static final OptionSpec<Duration> READ_TIMEOUT = OptionSpec.duration(
            "readTimeout",
            Duration.ofSeconds(2),
            Duration.ofMillis(10),
            "how long to wait for a reply before failing with BackendUnavailableException");
    /** Connection pool size. */
    public static final OptionSpec<Integer> POOL_SIZE =
            OptionSpec.integer("poolSize", 16, 1, 1024, "most pooled connections (per node in cluster mode)");
    /** Key prefix. */
    public static final OptionSpec<String> KEY_PREFIX = OptionSpec.string(
            "keyPrefix",
            "plinth:",
            "prefix of every Redis key and channel; processes sharing data use the same prefix");

    private static final List<OptionSpec<?>> OPTIONS = List.of(
            URI,
            HOST,
            PORT,
            MODE,
            SENTINEL_MASTER,
            SENTINELS,
            CLUSTER_NODES,
            USERNAME,
            PASSWORD,
            DATABASE,
            SSL,
            CONNECT_TIMEOUT,
            READ_TIMEOUT,
            POOL_SIZE,
            KEY_PREFIX,
            CommonOptions.MAX_KEYS,
            CommonOptions.SWEEP_INTERVAL);

    private static final Set<Capability> CAPABILITIES = java.util.Collections.unmodifiableSet(EnumSet.of(
            Capability.SHARED_ACROSS_PROCESSES, Capability.CROSS_PROCESS_EVENTS, Capability.CROSS_PROCESS_LOCKS));

    /** Creates the provider; does nothing else. */
    public RedisStorageProvider() {}

    /** @return {@code redis} */
    @Override
    public String id() {
        return "redis";
    }

    /** @return one line for diagnostics; never {@code null} */
    @Override
    public String description() {
        return "Redis (standalone, Sentinel, Cluster) via Jedis: shared by processes, cross-process events and locks";
    }

    /** @return {@link StorageProvider#SPI_VERSION} as this provider was compiled against it */
    @Override
    public int spiVersion() {
        return SPI_VERSION;
    }

    /**
     * @return sharing, events and locks across processes, in every configuration; never durability (see
     *     the class comment). Unmodifiable, never {@code null}
     */
    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    /** @return the options above plus {@code maxKeys} and {@code sweepInterval}; unmodifiable, never {@code null} */
    @Override
    public List<OptionSpec<?>> options() {
        return OPTIONS;
    }

    /**
     * Connects to Redis, checks that it answers with the configured credentials and database, subscribes to
     * the key prefix's change channel (on a thread of its own, {@code plinth-redis-changes}) and starts the
     * expiry sweeper on {@code context.scheduler()}. Expiry is measured on the server's clock, not
     * {@code context.clock()}. Every failure ends within {@code connectTimeout + readTimeout}.
     *
     * @param config validated option values of this provider; not {@code null}
     * @param context where changes are reported and the scheduler to use; not {@code null}
     * @return the open backend, which implements every optional part of the SPI
     * @throws NullPointerException when {@code config} or {@code context} is {@code null}
     * @throws dev.plinth.api.storage.StorageOpenException when Redis cannot be reached, refuses the
     *     credentials or cannot confirm the subscription: the message names the server, never the password;
     *     retryable when the server was unreachable or busy
     * @throws dev.plinth.api.ConfigurationException when an option is unusable (a malformed {@code uri}, a
     *     missing {@code sentinelMaster} or {@code clusterNodes}, a database the server does not have),
     *     naming the option
     */
    @Override
    public StorageBackend open(ProviderConfig config, BackendContext context) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(context, "context");
        return RedisStorageBackend.open(config, context);
    }
}
