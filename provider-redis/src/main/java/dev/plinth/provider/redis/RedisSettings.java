package dev.plinth.provider.redis;

import dev.plinth.api.ConfigurationException;
import dev.plinth.provider.redis.RedisStorageProvider.Mode;
import dev.plinth.spi.storage.CommonOptions;
import dev.plinth.spi.storage.ProviderConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.SslOptions;

/**
 * The validated connection settings of one backend. {@link #toString()} and {@link #endpoint()} never show
 * the password, so both are safe in logs and exception messages.
 */
final class RedisSettings {
    private static final String OPTION_PREFIX = "plinth.storage.redis.";

    final Mode mode;
    final List<HostAndPort> nodes;
    final String sentinelMaster;
    final String username;
    private final String password;
    final int database;
    final boolean ssl;
    final Duration connectTimeout;
    final Duration readTimeout;
    final int poolSize;
    final String keyPrefix;
    final long maxKeys;
    final Duration sweepInterval;

    private RedisSettings(Mode mode, List<HostAndPort> nodes, String sentinelMaster, String username, String password,
            int database, boolean ssl, Duration connectTimeout, Duration readTimeout, int poolSize, String keyPrefix,
            long maxKeys, Duration sweepInterval) {
        this.mode = mode;
        this.nodes = List.copyOf(nodes);
        this.sentinelMaster = sentinelMaster;
        this.username = username;
        this.password = password;
        this.database = database;
        this.ssl = ssl;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.poolSize = poolSize;
        this.keyPrefix = keyPrefix;
        this.maxKeys = maxKeys;
        this.sweepInterval = sweepInterval;
    }

    static RedisSettings from(ProviderConfig config) {
        Mode mode = config.get(RedisStorageProvider.MODE);
        String username = blankToNull(config.get(RedisStorageProvider.USERNAME));
        String password = config.get(RedisStorageProvider.PASSWORD);
        int database = config.get(RedisStorageProvider.DATABASE);
        boolean ssl = config.get(RedisStorageProvider.SSL);
        List<HostAndPort> nodes = new ArrayList<>();
        String master = null;
        switch (mode) {
            case SENTINEL:
                master = blankToNull(config.get(RedisStorageProvider.SENTINEL_MASTER));
                if (master == null) {
                    throw new ConfigurationException(OPTION_PREFIX + "sentinelMaster",
                            "Option " + OPTION_PREFIX + "sentinelMaster is required with mode=sentinel");
                }
                nodes.addAll(parseNodes("sentinels", config.get(RedisStorageProvider.SENTINELS)));
                break;
            case CLUSTER:
                nodes.addAll(parseNodes("clusterNodes", config.get(RedisStorageProvider.CLUSTER_NODES)));
                if (database > 0) {
                    throw new ConfigurationException(OPTION_PREFIX + "database",
                            "Redis Cluster has only database 0; remove " + OPTION_PREFIX + "database");
                }
                break;
            default:
                String host = blankToNull(config.get(RedisStorageProvider.HOST));
                if (host != null) {
                    nodes.add(new HostAndPort(host.trim(), config.get(RedisStorageProvider.PORT)));
                } else {
                    UriParts uri = parseUri(config.get(RedisStorageProvider.URI));
                    nodes.add(uri.hostAndPort);
                    ssl |= uri.ssl;
                    if (username == null) {
                        username = uri.username;
                    }
                    if (password == null) {
                        password = uri.password;
                    }
                    if (database < 0) {
                        database = uri.database;
                    }
                }
        }
        return new RedisSettings(mode, nodes, master, username, password, Math.max(database, 0), ssl,
                config.get(RedisStorageProvider.CONNECT_TIMEOUT), config.get(RedisStorageProvider.READ_TIMEOUT),
                config.get(RedisStorageProvider.POOL_SIZE), validatePrefix(config.get(RedisStorageProvider.KEY_PREFIX)),
                config.get(CommonOptions.MAX_KEYS), config.get(CommonOptions.SWEEP_INTERVAL));
    }

    /** @return where this backend connects, for messages: {@code host:port} list, never a password */
    String endpoint() {
        StringBuilder b = new StringBuilder();
        if (mode == Mode.SENTINEL) {
            b.append("sentinel master '").append(sentinelMaster).append("' via ");
        } else if (mode == Mode.CLUSTER) {
            b.append("cluster via ");
        }
        for (int i = 0; i < nodes.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(nodes.get(i).getHost()).append(':').append(nodes.get(i).getPort());
        }
        if (mode != Mode.CLUSTER && database != 0) {
            b.append(" db ").append(database);
        }
        return b.toString();
    }

    JedisClientConfig clientConfig(boolean withDatabase) {
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder()
                // RESP2 without HELLO: predictable reply shapes and works with any Redis 5+ server.
                .serverDefaultProtocol()
                .connectionTimeoutMillis(millis(connectTimeout))
                .socketTimeoutMillis(millis(readTimeout))
                .clientName("plinth");
        if (ssl) {
            // Jedis 8's TLS setting (ssl(boolean) is deprecated): JVM trust store, full host verification.
            b.sslOptions(SslOptions.defaults());
        }
        if (username != null) {
            b.user(username);
        }
        if (password != null) {
            b.password(password);
        }
        if (withDatabase && database != 0) {
            b.database(database);
        }
        return b.build();
    }

    /** Sentinels are contacted without the data credentials' database. */
    JedisClientConfig sentinelConfig() {
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder().serverDefaultProtocol()
                .connectionTimeoutMillis(millis(connectTimeout)).socketTimeoutMillis(millis(readTimeout));
        if (ssl) {
            b.sslOptions(SslOptions.defaults());
        }
        return b.build();
    }

    Set<HostAndPort> nodeSet() {
        return new LinkedHashSet<>(nodes);
    }

    boolean hasPassword() {
        return password != null;
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }

    @Override
    public String toString() {
        return "RedisSettings[" + mode.name().toLowerCase(java.util.Locale.ROOT) + " " + endpoint()
                + (username != null ? " user '" + username + "'" : "") + (password != null ? " password ***" : "")
                + (ssl ? " tls" : "") + " prefix '" + keyPrefix + "']";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String validatePrefix(String prefix) {
        String p = prefix == null ? "" : prefix;
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '{' || c == '}' || c == '#' || Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw new ConfigurationException(OPTION_PREFIX + "keyPrefix", "Option " + OPTION_PREFIX
                        + "keyPrefix must not contain braces, '#', whitespace or control characters (it precedes the"
                        + " {namespace} hash tag), was '" + p + "'");
            }
        }
        if (p.length() > 200) {
            throw new ConfigurationException(OPTION_PREFIX + "keyPrefix",
                    "Option " + OPTION_PREFIX + "keyPrefix is longer than 200 characters");
        }
        return p;
    }

    private static List<HostAndPort> parseNodes(String option, String raw) {
        if (raw == null || raw.isBlank()) {
            throw new ConfigurationException(OPTION_PREFIX + option,
                    "Option " + OPTION_PREFIX + option + " is required for this mode: comma-separated host:port");
        }
        List<HostAndPort> out = new ArrayList<>();
        for (String part : raw.split(",")) {
            String p = part.trim();
            int colon = p.lastIndexOf(':');
            if (p.isEmpty() || colon <= 0 || colon == p.length() - 1) {
                throw new ConfigurationException(OPTION_PREFIX + option,
                        "Option " + OPTION_PREFIX + option + ": '" + p + "' is not host:port");
            }
            try {
                int port = Integer.parseInt(p.substring(colon + 1));
                if (port < 1 || port > 65535) {
                    throw new NumberFormatException();
                }
                out.add(new HostAndPort(p.substring(0, colon), port));
            } catch (NumberFormatException e) {
                throw new ConfigurationException(OPTION_PREFIX + option,
                        "Option " + OPTION_PREFIX + option + ": '" + p + "' has an invalid port", e);
            }
        }
        return out;
    }

    private static final class UriParts {
        HostAndPort hostAndPort;
        boolean ssl;
        String username;
        String password;
        int database;
    }

    /** Parses a redis URI; errors never repeat the URI, which may hold a password. */
    private static UriParts parseUri(String raw) {
        String key = OPTION_PREFIX + "uri";
        URI uri;
        try {
            uri = new URI(raw.trim());
        } catch (URISyntaxException e) {
            throw new ConfigurationException(key, "Option " + key + " is not a valid URI (value not shown: it may"
                    + " hold a password); expected redis://host:port[/db]");
        }
        UriParts parts = new UriParts();
        String scheme = uri.getScheme();
        if ("rediss".equalsIgnoreCase(scheme)) {
            parts.ssl = true;
        } else if (!"redis".equalsIgnoreCase(scheme)) {
            throw new ConfigurationException(key, "Option " + key + " must start with redis:// or rediss://");
        }
        if (uri.getHost() == null) {
            throw new ConfigurationException(key, "Option " + key + " has no host; expected redis://host:port[/db]");
        }
        parts.hostAndPort = new HostAndPort(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 6379);
        String info = uri.getRawUserInfo();
        if (info != null && !info.isEmpty()) {
            int colon = info.indexOf(':');
            String user = colon < 0 ? null : decode(info.substring(0, colon));
            String pass = decode(colon < 0 ? info : info.substring(colon + 1));
            parts.username = user == null || user.isEmpty() ? null : user;
            parts.password = pass.isEmpty() ? null : pass;
        }
        String path = uri.getPath();
        if (path != null && path.length() > 1) {
            try {
                parts.database = Integer.parseInt(path.substring(1));
            } catch (NumberFormatException e) {
                throw new ConfigurationException(key, "Option " + key + ": the path must be a database index");
            }
        }
        return parts;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
