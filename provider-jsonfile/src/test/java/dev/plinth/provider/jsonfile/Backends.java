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
        return JsonFileBackend.open(settings(dir), listener, JournalFile.Opener.DEFAULT);
    }

    static JsonFileBackend open(JsonFileSettings settings, ChangeListener listener) {
        return JsonFileBackend.open(settings, listener, JournalFile.Opener.DEFAULT);
    }

    static byte[] utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Completes a record as the provider checksums it: the CRC32C of every byte before {@code ,"crc":}.
     *
     * @param open a JSON object without its closing brace
     * @return the record with its {@code "crc"} field and closing brace
     */
    static String withCrc(String open) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(utf8(open));
        return open + String.format(",\"crc\":\"%08x\"}", crc.getValue());
    }

    /**
     * Gives a hand-edited manifest a valid checksum again, as an operator repairing it would: the CRC32C of
     * every byte before the comma that introduces {@code "crc"}.
     */
    static String rechecksumManifest(String text) {
        String body = text.substring(0, text.lastIndexOf(',', text.lastIndexOf("\"crc\"")));
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(utf8(body));
        return body + String.format(",\n  \"crc\" : \"%08x\"\n}\n", crc.getValue());
    }

    /** Polls {@code condition} until it holds or a generous deadline passes; a liveness bound, not a timing claim. */
    static boolean eventually(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }
}
