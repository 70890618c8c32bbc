package dev.plinth.provider.redis.internal;

import dev.plinth.api.ConfigurationException;
import dev.plinth.provider.redis.RedisStorageProvider;
import dev.plinth.provider.redis.RedisStorageProvider.Mode;
import dev.plinth.spi.storage.CommonOptions;
import dev.plinth.spi.storage.ProviderConfig;
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
 * the password, so both are safe in logs and exception messages. About 400 lines because the uri parser
 * (half of it) lives here: it fills the same fields and shares the rule that no error shows a secret.
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

    private RedisSettings(
            Mode mode,
            List<HostAndPort> nodes,
            String sentinelMaster,
            String username,
            String password,
            int database,
            boolean ssl,
            Duration connectTimeout,
            Duration readTimeout,
            int poolSize,
            String keyPrefix,
            long maxKeys,
            Duration sweepInterval) {
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
                    throw new ConfigurationException(
                            OPTION_PREFIX + "sentinelMaster",
                            "Option " + OPTION_PREFIX + "sentinelMaster is required with mode=sentinel");
                }
                nodes.addAll(parseNodes("sentinels", config.get(RedisStorageProvider.SENTINELS)));
                break;
            case CLUSTER:
                nodes.addAll(parseNodes("clusterNodes", config.get(RedisStorageProvider.CLUSTER_NODES)));
                if (database > 0) {
                    throw new ConfigurationException(
                            OPTION_PREFIX + "database",
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
        return new RedisSettings(
                mode,
                nodes,
                master,
                username,
                password,
                Math.max(database, 0),
                ssl,
                config.get(RedisStorageProvider.CONNECT_TIMEOUT),
                config.get(RedisStorageProvider.READ_TIMEOUT),
                config.get(RedisStorageProvider.POOL_SIZE),
                validatePrefix(config.get(RedisStorageProvider.KEY_PREFIX)),
                config.get(CommonOptions.MAX_KEYS),
                config.get(CommonOptions.SWEEP_INTERVAL));
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
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder()
                .serverDefaultProtocol()
                .connectionTimeoutMillis(millis(connectTimeout))
                .socketTimeoutMillis(millis(readTimeout));
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

    /** @return the password as parsed, for tests of the uri parser; never put it in a message or log */
    String password() {
        return password;
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
                throw new ConfigurationException(
                        OPTION_PREFIX + "keyPrefix",
                        "Option " + OPTION_PREFIX
                                + "keyPrefix must not contain braces, '#', whitespace or control characters (it precedes the"
                                + " {namespace} hash tag), was '" + p + "'");
            }
        }
        if (p.length() > 200) {
            throw new ConfigurationException(
                    OPTION_PREFIX + "keyPrefix", "Option " + OPTION_PREFIX + "keyPrefix is longer than 200 characters");
        }
        return p;
    }

    private static List<HostAndPort> parseNodes(String option, String raw) {
        if (raw == null || raw.isBlank()) {
            throw new ConfigurationException(
                    OPTION_PREFIX + option,
                    "Option " + OPTION_PREFIX + option + " is required for this mode: comma-separated host:port");
        }
        List<HostAndPort> out = new ArrayList<>();
        // -1: a trailing comma leaves an empty part, refused below like any other that is not host:port.
        for (String part : raw.split(",", -1)) {
            String p = part.trim();
            int colon = p.lastIndexOf(':');
            if (p.isEmpty() || colon <= 0 || colon == p.length() - 1) {
                throw new ConfigurationException(
                        OPTION_PREFIX + option, "Option " + OPTION_PREFIX + option + ": '" + p + "' is not host:port");
            }
            try {
                int port = Integer.parseInt(p.substring(colon + 1));
                if (port < 1 || port > 65535) {
                    throw new NumberFormatException();
                }
                out.add(new HostAndPort(p.substring(0, colon), port));
            } catch (NumberFormatException e) {
                throw new ConfigurationException(
                        OPTION_PREFIX + option,
                        "Option " + OPTION_PREFIX + option + ": '" + p + "' has an invalid port",
                        e);
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

    private static final String URI_FORM =
            "expected redis://[[user]:password@]host[:port][/database], or" + " rediss:// for TLS";

    /**
     * Parses a redis URI by hand, so that each mistake gets its own message (java.net.URI reads a
     * non-numeric port or an unencoded '@' as a registry authority without a host, and says only "no
     * host"). Messages never repeat any part of the value: whatever the mistake, the text around it may be
     * the password. The user info is percent-decoded strictly (a '+' stays a '+').
     */
    private static UriParts parseUri(String raw) {
        String s = raw == null ? "" : raw.trim();
        int sep = s.indexOf("://");
        if (sep < 0) {
            throw badUri("does not start with redis:// or rediss://");
        }
        UriParts parts = new UriParts();
        String scheme = s.substring(0, sep);
        if ("rediss".equalsIgnoreCase(scheme)) {
            parts.ssl = true;
        } else if (!"redis".equalsIgnoreCase(scheme)) {
            // A scheme holds no secret when it looks like one; anything else is not shown.
            throw badUri(
                    scheme.matches("[A-Za-z][A-Za-z0-9+.-]{0,15}")
                            ? "has the scheme '" + scheme + "'; it must be redis:// or rediss://"
                            : "does not start with redis:// or rediss://");
        }
        String rest = s.substring(sep + 3);
        // The host cannot contain '@', so the last one ends the user info; an earlier one is in it.
        int at = rest.lastIndexOf('@');
        String info = at < 0 ? null : rest.substring(0, at);
        String hostPart = at < 0 ? rest : rest.substring(at + 1);
        if (info != null) {
            readUserInfo(info, parts);
        }
        int q = firstOf(hostPart, "?#");
        if (q >= 0) {
            throw badUri("has a query or fragment ('?' or '#' after the host), which the provider does not read;"
                    + " set options such as the password as plinth.storage.redis.* options instead");
        }
        int slash = hostPart.indexOf('/');
        String authority = slash < 0 ? hostPart : hostPart.substring(0, slash);
        String path = slash < 0 ? "" : hostPart.substring(slash);
        String host;
        String port = null;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw badUri("has an IPv6 address without its closing ']'");
            }
            host = authority.substring(1, close);
            String after = authority.substring(close + 1);
            if (!after.isEmpty()) {
                if (after.charAt(0) != ':') {
                    throw badUri("has something other than ':port' after the IPv6 address");
                }
                port = after.substring(1);
            }
            if (host.isEmpty() || !host.matches("[0-9A-Fa-f:.]+(%[A-Za-z0-9._~-]+)?")) {
                throw badUri("has an IPv6 address in brackets that is not one");
            }
        } else {
            int colon = authority.indexOf(':');
            if (colon >= 0 && authority.indexOf(':', colon + 1) >= 0) {
                throw badUri("has more than one ':' after the host; an IPv6 address goes in brackets, as"
                        + " redis://[::1]:6379");
            }
            host = colon < 0 ? authority : authority.substring(0, colon);
            port = colon < 0 ? null : authority.substring(colon + 1);
            if (host.isEmpty()) {
                throw badUri("has no host; " + URI_FORM);
            }
            if (!host.matches("[A-Za-z0-9._-]+")) {
                throw badUri("has a host with a character a host name cannot have (letters, digits, '.', '-' and"
                        + " '_' only); a user name or password with such characters goes before an '@'");
            }
        }
        int portNumber = 6379;
        if (port != null) {
            if (port.isEmpty()) {
                throw badUri("has a ':' after the host but no port");
            }
            if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
                throw badUri("has a port that is not a number from 1 to 65535"
                        + (info == null
                                ? " (if the text before it is user:password, the '@host' after it is missing)"
                                : ""));
            }
            portNumber = Integer.parseInt(port);
        }
        parts.hostAndPort = new HostAndPort(host, portNumber);
        if (path.length() > 1) {
            String db = path.substring(1);
            if (!db.matches("[0-9]{1,7}")) {
                throw badUri("has a path that is not a database index (expected /0, /1, ...)");
            }
            parts.database = Integer.parseInt(db);
        }
        return parts;
    }

    /** Reads {@code user:password}, or a lone password, into {@code parts}. */
    private static void readUserInfo(String info, UriParts parts) {
        if (info.indexOf('@') >= 0) {
            throw badUri("has an '@' in its user name or password that is not percent-encoded: write it as %40"
                    + " (or set the password in plinth.storage.redis.password)");
        }
        int odd = firstOf(info, "/?#[] \t");
        if (odd >= 0 || info.chars().anyMatch(Character::isISOControl)) {
            char c = odd >= 0 ? info.charAt(odd) : '?';
            throw badUri("has a character in its user name or password that must be percent-encoded ("
                    + (odd >= 0 && c != ' ' && c != '\t'
                            ? "'" + c + "' is %" + String.format("%02X", (int) c)
                            : "a space, tab or control character")
                    + "), or set the password in"
                    + " plinth.storage.redis.password");
        }
        int colon = info.indexOf(':');
        String user = colon < 0 ? null : percentDecode(info.substring(0, colon));
        String pass = percentDecode(colon < 0 ? info : info.substring(colon + 1));
        parts.username = user == null || user.isEmpty() ? null : user;
        parts.password = pass.isEmpty() ? null : pass;
    }

    private static int firstOf(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    /** RFC 3986 percent-decoding as UTF-8: unlike URLDecoder, a '+' stays a '+'. */
    private static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(s.length());
        byte[] in = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < in.length; i++) {
            if (in[i] != '%') {
                out.write(in[i]);
                continue;
            }
            int hi = i + 2 < in.length ? Character.digit(in[i + 1], 16) : -1;
            int lo = hi >= 0 ? Character.digit(in[i + 2], 16) : -1;
            if (lo < 0) {
                throw badUri("has a '%' in its user name or password that is not followed by two hex digits"
                        + " (write '%' itself as %25)");
            }
            out.write(hi * 16 + lo);
            i += 2;
        }
        java.nio.charset.CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();
        try {
            return utf8.decode(java.nio.ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw badUri("has percent-escapes in its user name or password that are not UTF-8");
        }
    }

    private static ConfigurationException badUri(String problem) {
        String key = OPTION_PREFIX + "uri";
        return new ConfigurationException(
                key, "Option " + key + " " + problem + " (the value is not shown: it may" + " hold a password)");
    }
}
