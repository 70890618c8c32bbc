package dev.plinth.provider.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.ChangeEvent;
import dev.plinth.api.storage.ChangeType;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.StorageException;
import dev.plinth.api.storage.Subscription;
import dev.plinth.api.storage.ValueCodecException;
import dev.plinth.core.config.CacheSettings;
import dev.plinth.core.config.CodecSettings;
import dev.plinth.core.config.StorageLayers;
import dev.plinth.core.config.StorageSettings;
import dev.plinth.core.storage.StorageEngine;
import dev.plinth.provider.redis.RedisStorageProvider;
import dev.plinth.spi.storage.ProviderConfig;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The near cache and the value codecs over a real Redis: a feed gap (a private server restarted) drops
 * every cached value, and encrypted values hold no plaintext on the server.
 */
@SuppressWarnings("try")
class RedisLayersTest {
    private static final byte[] KEY_A = filled(1);
    private static final byte[] KEY_B = filled(2);

    private final List<StorageEngine> engines = new ArrayList<>();
    private final String prefix = Backends.uniquePrefix();

    private static byte[] filled(int v) {
        byte[] b = new byte[32];
        Arrays.fill(b, (byte) v);
        return b;
    }

    private StorageEngine open(String uri, StorageLayers layers) {
        RedisStorageProvider p = new RedisStorageProvider();
        ProviderConfig c = ProviderConfig.builder(p)
                .set("uri", uri)
                .set("keyPrefix", prefix)
                .set("connectTimeout", "500ms")
                .set("readTimeout", "500ms")
                .build();
        StorageEngine e = StorageEngine.open(p, c, StorageSettings.defaults(), InstantSource.system(), layers);
        engines.add(e);
        return e;
    }

    @AfterEach
    void closeAll() {
        engines.forEach(StorageEngine::close);
        Backends.purge(RedisServers.sharedPort(), prefix);
    }

    @Test
    void afterAFeedGapNothingCachedBeforeItIsServed() throws Exception {
        StorageLayers cached = StorageLayers.cache(CacheSettings.enabledDefaults());
        try (RedisServers.Server server = RedisServers.start()) {
            KeyValueStore a = open(server.uri(), cached).store("p");
            StorageEngine engineB = open(server.uri(), cached);
            KeyValueStore b = engineB.store("p");
            List<ChangeEvent> seenByB = new CopyOnWriteArrayList<>();
            try (Subscription sub = b.watch("*", seenByB::add)) {
                a.setString("gone", "1");
                a.setString("k", "old");
                assertThat(b.getString("gone")).hasValue("1");
                assertThat(b.getString("k")).hasValue("old");
                assertThat(b.exists("never")).isFalse();

                // The server runs without persistence: a restart loses every key, and Pub/Sub loses what was
                // published while B's feed was not subscribed.
                server.stop();
                server.start();
                writeUntilAccepted(a, "k", "new");
                writeUntilAccepted(a, "never", "now");

                awaitUntil(
                        "B's feed to report the gap",
                        () -> seenByB.stream().anyMatch(e -> e.type() == ChangeType.OVERFLOW));
                assertThat(b.getString("k")).hasValue("new");
                assertThat(b.getString("gone")).isEmpty();
                assertThat(b.exists("never")).isTrue();
                assertThat(engineB.cacheStats().orElseThrow().scopeDrops()).isPositive();
            }
        }
    }

    private static void writeUntilAccepted(KeyValueStore s, String key, String value) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            try {
                s.setString(key, value);
                return;
            } catch (StorageException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(20);
            }
        }
    }

    @Test
    void encryptedValuesHoldNoPlaintextOnTheServerAndNeedTheirKey() {
        CodecSettings k1 = new CodecSettings(CodecSettings.Compression.LZ4, 64, Map.of("k1", KEY_A), "k1");
        KeyValueStore s = open(RedisServers.sharedUri(), StorageLayers.none().withCodec(k1))
                .store("p");
        String secret = "card number 4111-1111-1111-1111 ".repeat(10);
        s.setString("small", "pin 8765");
        s.setString("big", secret);
        s.transaction().setString("tx", "pin 8765").commit();
        assertThat(s.getString("big")).hasValue(secret);

        List<byte[]> raw = rawValues(RedisServers.sharedPort(), prefix);
        assertThat(raw).isNotEmpty();
        for (byte[] v : raw) {
            String text = new String(v, StandardCharsets.ISO_8859_1);
            // Whole fragments: four digits alone can turn up by chance in ciphertext.
            assertThat(text).doesNotContain("pin 8765").doesNotContain("4111-1111");
        }

        KeyValueStore wrong = open(
                        RedisServers.sharedUri(),
                        StorageLayers.none()
                                .withCodec(new CodecSettings(
                                        CodecSettings.Compression.NONE, 64, Map.of("k1", KEY_B), "k1")))
                .store("p");
        assertThatThrownBy(() -> wrong.getString("small"))
                .isInstanceOf(ValueCodecException.class)
                .hasMessageContaining("'small'");
        KeyValueStore rotated = open(
                        RedisServers.sharedUri(),
                        StorageLayers.none()
                                .withCodec(new CodecSettings(
                                        CodecSettings.Compression.NONE,
                                        64,
                                        new java.util.LinkedHashMap<>(Map.of("k1", KEY_A, "k2", KEY_B)),
                                        "k2")))
                .store("p");
        assertThat(rotated.getString("big")).hasValue(secret);
        rotated.setString("small", "pin 8765");
        assertThatThrownBy(() -> s.getString("small"))
                .as("an engine that knows only k1 cannot read what k2 encrypted")
                .isInstanceOf(ValueCodecException.class)
                .hasMessageContaining("key id 'k2'");
    }

    private static void awaitUntil(String what, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Still waiting after 20 s for: " + what);
            }
            Thread.sleep(10);
        }
    }

    /** Every string and hash value under {@code prefix}, as the server holds it. */
    static List<byte[]> rawValues(int port, String prefix) {
        List<byte[]> out = new ArrayList<>();
        try (redis.clients.jedis.Jedis j = new redis.clients.jedis.Jedis("127.0.0.1", port)) {
            redis.clients.jedis.params.ScanParams p = new redis.clients.jedis.params.ScanParams()
                    .match(RedisMatch.escape(prefix) + "*")
                    .count(1000);
            String cursor = "0";
            do {
                redis.clients.jedis.resps.ScanResult<String> r = j.scan(cursor, p);
                for (String key : r.getResult()) {
                    byte[] k = key.getBytes(StandardCharsets.UTF_8);
                    switch (j.type(key)) {
                        case "string" -> out.add(j.get(k));
                        case "hash" -> out.addAll(j.hgetAll(k).values());
                        default -> {}
                    }
                }
                cursor = r.getCursor();
            } while (!"0".equals(cursor));
        }
        return out;
    }
}
