package dev.plinth.provider.jsonfile;

import dev.plinth.spi.storage.ChangeListener;
import java.nio.file.Path;
import java.time.Duration;

/** Opens backends on a folder with test-friendly settings. */
final class Backends {
    private Backends() {
    }

    static JsonFileSettings settings(Path dir) {
        return new JsonFileSettings(dir, Durability.SYNC, Duration.ofMillis(20), 16L * 1024 * 1024, 0,
                Duration.ofMillis(20));
    }

    static JsonFileBackend open(Path dir, ChangeListener listener) {
        return JsonFileBackend.open(settings(dir), listener, FileChannelFactory.DEFAULT);
    }

    static JsonFileBackend open(JsonFileSettings settings, ChangeListener listener) {
        return JsonFileBackend.open(settings, listener, FileChannelFactory.DEFAULT);
    }

    static byte[] utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }
}
