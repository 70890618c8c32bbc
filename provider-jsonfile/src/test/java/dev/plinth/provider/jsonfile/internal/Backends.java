package dev.plinth.provider.jsonfile.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.provider.jsonfile.JsonFileStorageProvider.Durability;
import dev.plinth.spi.storage.BackendContext;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.ChangeListener;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/** Opens backends on a folder with test-friendly settings. */
final class Backends {
    /**
     * Stands in for the runtime's scheduler, shared by every backend a test opens: a backend cancels its
     * own tasks when it closes, so the thread (a daemon) outlives them harmlessly.
     */
    static final ScheduledExecutorService SCHEDULER = scheduler();

    private Backends() {}

    private static ScheduledExecutorService scheduler() {
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "test-storage-scheduler");
            t.setDaemon(true);
            return t;
        });
        s.setRemoveOnCancelPolicy(true);
        return s;
    }

    /** What the runtime would hand the backend: the listener, the system clock and the shared scheduler. */
    static BackendContext context(ChangeListener changes) {
        return context(changes, InstantSource.system());
    }

    static BackendContext context(ChangeListener changes, InstantSource clock) {
        return new BackendContext() {
            @Override
            public ChangeListener changes() {
                return changes;
            }

            @Override
            public InstantSource clock() {
                return clock;
            }

            @Override
            public ScheduledExecutorService scheduler() {
                return SCHEDULER;
            }
        };
    }

    /** @return the entry, asserting it is there */
    static BackendEntry present(BackendEntry entry) {
        assertThat(entry).as("a live entry").isNotNull();
        return entry;
    }

    static JsonFileSettings settings(Path dir) {
        return new JsonFileSettings(
                dir, Durability.SYNC, Duration.ofMillis(20), 16L * 1024 * 1024, 0, Duration.ofMillis(20));
    }

    static JsonFileStorageBackend open(Path dir, ChangeListener listener) {
        return open(settings(dir), listener);
    }

    static JsonFileStorageBackend open(JsonFileSettings settings, ChangeListener listener) {
        return JsonFileStorageBackend.open(settings, context(listener), JournalFile.Opener.DEFAULT);
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
