package dev.plinth.cli;

import dev.plinth.api.storage.Entry;
import dev.plinth.core.admin.StorageAdmin;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The four shipped providers as test data sets: memory, SQLite in a temporary file, jsonfile in a temporary
 * folder, and Redis on the real server at 127.0.0.1:6379 under a key prefix of its own (so parallel runs and
 * other tests never meet), deleted by {@link #cleanRedis}.
 */
final class Stores {
    static final String REDIS_URI = "redis://127.0.0.1:6379";

    /** A value that is not UTF-8. */
    static final byte[] BINARY = {0, (byte) 0xFF, (byte) 0xFE, 0x7F, (byte) 0xC3, (byte) 0x28};

    /** Text outside the Basic Multilingual Plane (surrogate pairs in Java). */
    static final String NON_BMP = "emoji \uD83D\uDE00 clef \uD834\uDD1E and \u00fc";

    enum Kind {
        MEMORY,
        SQLITE,
        REDIS,
        JSONFILE;

        String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private Stores() {}

    /** @return the options of a fresh data set of {@code kind} under {@code dir} */
    static Map<String, String> options(Kind kind, Path dir) {
        Map<String, String> o = new LinkedHashMap<>();
        switch (kind) {
            case MEMORY -> {}
            case SQLITE ->
                o.put("path", dir.resolve("plinth-" + UUID.randomUUID() + ".db").toString());
            case JSONFILE ->
                o.put("directory", dir.resolve("json-" + UUID.randomUUID()).toString());
            case REDIS -> {
                o.put("uri", REDIS_URI);
                o.put("keyPrefix", "plinth-cli-test-" + UUID.randomUUID() + ":");
            }
        }
        return o;
    }

    static StorageAdmin open(Kind kind, Map<String, String> options) {
        return StorageAdmin.open(kind.id(), options, Stores.class.getClassLoader());
    }

    /** The properties a {@code --config} file needs for this data set. */
    static String configFile(Kind kind, Map<String, String> options) {
        StringBuilder b = new StringBuilder("plinth.storage.provider=" + kind.id() + "\n");
        options.forEach((k, v) -> b.append("plinth.storage.")
                .append(kind.id())
                .append('.')
                .append(k)
                .append('=')
                .append(v.replace("\\", "\\\\"))
                .append('\n'));
        return b.toString();
    }

    /** Deletes every Redis key of the prefix in {@code options}, if it names one. */
    static void cleanRedis(Map<String, String> options) {
        String prefix = options.get("keyPrefix");
        if (prefix == null) {
            return;
        }
        try (Jedis j = new Jedis("127.0.0.1", 6379)) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page =
                        j.scan(cursor, new ScanParams().match(prefix + "*").count(1000));
                if (!page.getResult().isEmpty()) {
                    j.unlink(page.getResult().toArray(new String[0]));
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
    }

    /**
     * Writes the standard data set: three scopes (one nested) that share key names, binary and non-BMP
     * values, keys with a TTL, and enough keys in one scope to need several pages.
     */
    static void fill(StorageAdmin admin, int bulk) {
        admin.set("alpha", "k1", utf8("v1"), null);
        admin.set("alpha", "shared", utf8("alpha's"), null);
        admin.set("alpha", "bin", BINARY, null);
        admin.set("alpha", "text", utf8(NON_BMP), null);
        admin.set("alpha", "\uD83D\uDE00key", utf8("a key outside the BMP"), null);
        admin.set("alpha", "ttl", utf8("soon"), Duration.ofHours(1));
        admin.set("alpha", "empty", new byte[0], null);
        admin.set("alpha/child", "shared", utf8("child's"), null);
        admin.set("alpha/child", "k1", BINARY, Duration.ofMinutes(30));
        admin.set("beta", "shared", utf8("beta's"), null);
        for (int i = 0; i < bulk; i++) {
            admin.set("beta", String.format("n:%05d", i), utf8("value " + i), i % 7 == 0 ? Duration.ofHours(2) : null);
        }
    }

    /** A stored key as compared across providers: the value and the absolute expiry (0: never). */
    record Stored(String value, long expiresAt) {}

    /** @return scope to key to value/expiry, every scope and key of the data set */
    static Map<String, Map<String, Stored>> snapshot(StorageAdmin admin) {
        Map<String, Map<String, Stored>> out = new TreeMap<>();
        for (String scope : admin.scopes().keySet()) {
            Map<String, Stored> keys = new TreeMap<>();
            List<String> names = admin.keys(scope, "*", 100_000);
            for (String k : names) {
                Entry e = admin.get(scope, k).orElseThrow();
                keys.put(
                        k,
                        new Stored(
                                Base64.getEncoder().encodeToString(e.value()),
                                e.expiresAt()
                                        .map(java.time.Instant::toEpochMilli)
                                        .orElse(0L)));
            }
            out.put(scope, keys);
        }
        return out;
    }

    static byte[] utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
