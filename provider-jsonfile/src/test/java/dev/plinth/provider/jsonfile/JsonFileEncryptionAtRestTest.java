package dev.plinth.provider.jsonfile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.core.config.CacheSettings;
import dev.plinth.core.config.CodecSettings;
import dev.plinth.core.config.StorageLayers;
import dev.plinth.core.config.StorageSettings;
import dev.plinth.core.storage.StorageEngine;
import dev.plinth.spi.storage.ProviderConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encryption at rest in the JSON files, read raw: the encrypted plugin's values are nowhere in the folder
 * (neither as text nor in the Base64 the files use for binary values), while a plugin without a codec,
 * written beside it, is there in clear.
 */
class JsonFileEncryptionAtRestTest {
    @TempDir
    Path dir;

    private StorageEngine open() {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 3);
        StorageLayers layers = new StorageLayers(
                CacheSettings.enabledDefaults(),
                Map.of(),
                CodecSettings.none(),
                Map.of("vault", new CodecSettings(CodecSettings.Compression.LZ4, 128, Map.of("k1", key), "k1")));
        JsonFileStorageProvider p = new JsonFileStorageProvider();
        ProviderConfig config = ProviderConfig.builder(p)
                .set(JsonFileStorageProvider.DIRECTORY.name(), dir.toString())
                .build();
        return StorageEngine.open(p, config, StorageSettings.defaults(), InstantSource.system(), layers);
    }

    private String rawFiles() throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                all.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }
        return all.toString();
    }

    @Test
    void noPlaintextInTheFiles() throws IOException {
        String secret = "SECRET-PIN-8765";
        String b64 = java.util.Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8));
        try (StorageEngine e = open()) {
            e.store("vault").setString("pin", secret);
            e.store("vault").setString("big", "{\"card\":\"4111-1111\"}".repeat(50));
            e.store("plain").setString("note", "VISIBLE-NOTE-1234");
        }
        assertThat(rawFiles())
                .contains("VISIBLE-NOTE-1234")
                // Whole fragments only: digits alone also occur in the folder lock's timestamp
                // ("since=...06:17:46.324268765Z" once failed a check for "8765").
                .doesNotContain("PIN-8765")
                .doesNotContain(b64.substring(0, 12))
                .doesNotContain("4111-1111");
        try (StorageEngine e = open()) {
            assertThat(e.store("vault").getString("pin")).hasValue(secret);
        }
    }
}
