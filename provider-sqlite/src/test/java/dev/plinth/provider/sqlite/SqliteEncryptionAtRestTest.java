package dev.plinth.provider.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.ValueCodecException;
import dev.plinth.core.config.CacheSettings;
import dev.plinth.core.config.CodecSettings;
import dev.plinth.core.config.StorageLayers;
import dev.plinth.core.config.StorageSettings;
import dev.plinth.core.storage.StorageEngine;
import dev.plinth.provider.sqlite.internal.TestBackends;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encryption at rest on a real SQLite file, read raw: the encrypted plugin's values are nowhere in the
 * database files, while a plugin without a codec, written beside it, is (so the raw read does see stored
 * values). Also: the key id stored with each value lets a rotated configuration read old values, and a
 * wrong key is a typed error, with the near cache on as it would be in production.
 */
class SqliteEncryptionAtRestTest {
    private static final byte[] KEY_A = filled(7);
    private static final byte[] KEY_B = filled(9);

    @TempDir
    Path dir;

    private static byte[] filled(int v) {
        byte[] b = new byte[32];
        Arrays.fill(b, (byte) v);
        return b;
    }

    private StorageEngine open(CodecSettings secretPluginCodec) {
        StorageLayers layers = new StorageLayers(
                CacheSettings.enabledDefaults(), Map.of(), CodecSettings.none(), Map.of("vault", secretPluginCodec));
        return StorageEngine.open(
                new SqliteStorageProvider(),
                TestBackends.config(Map.of("path", dir.resolve("plinth.db").toString())),
                StorageSettings.defaults(),
                InstantSource.system(),
                layers);
    }

    private String rawFiles() throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                all.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }
        return all.toString();
    }

    @Test
    void noPlaintextInTheFileAndRotationAndWrongKeys() throws IOException {
        CodecSettings k1 = new CodecSettings(CodecSettings.Compression.LZ4, 256, Map.of("k1", KEY_A), "k1");
        String big = "{\"card\":\"4111-1111-1111-1111\"}".repeat(40);
        try (StorageEngine e = open(k1)) {
            e.store("vault").setString("pin", "SECRET-PIN-8765");
            e.store("vault").setString("card", big);
            e.store("plain").setString("note", "VISIBLE-NOTE-1234");
            assertThat(e.store("vault").getString("pin")).hasValue("SECRET-PIN-8765");
            assertThat(rawFiles())
                    .contains("VISIBLE-NOTE-1234")
                    // Whole fragments: four digits alone turn up by chance in kilobytes of ciphertext.
                    .doesNotContain("PIN-8765")
                    .doesNotContain("4111-1111");
        }
        assertThat(rawFiles())
                .as("after close and checkpoint too")
                .contains("VISIBLE-NOTE-1234")
                .doesNotContain("SECRET-PIN")
                .doesNotContain("4111-1111");

        Map<String, byte[]> rotatedKeys = new LinkedHashMap<>();
        rotatedKeys.put("k1", KEY_A);
        rotatedKeys.put("k2", KEY_B);
        try (StorageEngine e = open(new CodecSettings(CodecSettings.Compression.LZ4, 256, rotatedKeys, "k2"))) {
            assertThat(e.store("vault").getString("pin")).hasValue("SECRET-PIN-8765");
            assertThat(e.store("vault").getString("card")).hasValue(big);
            e.store("vault").setString("pin", "NEWER-PIN-4321");
        }
        try (StorageEngine e =
                open(new CodecSettings(CodecSettings.Compression.NONE, 256, Map.of("k1", KEY_B), "k1"))) {
            assertThatThrownBy(() -> e.store("vault").getString("card"))
                    .isInstanceOf(ValueCodecException.class)
                    .hasMessageContaining("'card'")
                    .hasMessageContaining("key id 'k1' does not open it");
            assertThatThrownBy(() -> e.store("vault").getString("pin"))
                    .isInstanceOf(ValueCodecException.class)
                    .hasMessageContaining("key id 'k2', which is not configured");
            assertThat(e.store("plain").getString("note")).hasValue("VISIBLE-NOTE-1234");
        }
        assertThat(rawFiles()).doesNotContain("NEWER-PIN");
    }
}
