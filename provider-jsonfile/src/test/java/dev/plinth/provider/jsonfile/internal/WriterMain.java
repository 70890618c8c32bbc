package dev.plinth.provider.jsonfile.internal;

import dev.plinth.provider.jsonfile.JsonFileStorageProvider.Durability;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.Namespace;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Child process of {@link CrashRecoveryTest}: writes keys {@code <prefix>-0, <prefix>-1, ...} with the
 * durability given (default sync) forever (with a tiny compaction threshold so kills also land mid-compaction) and prints
 * {@code ACK <key>} once each write has returned.
 */
public final class WriterMain {
    private WriterMain() {}

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        String prefix = args[1];
        Durability durability = args.length > 2 ? Durability.valueOf(args[2]) : Durability.SYNC;
        JsonFileSettings settings =
                new JsonFileSettings(dir, durability, Duration.ofMillis(50), 4_096, 0, Duration.ofMillis(50));
        JsonFileStorageBackend backend = JsonFileStorageBackend.open(
                settings, Backends.context(ChangeListener.NONE), JournalFile.Opener.DEFAULT);
        Namespace ns = Namespace.of("crash");
        for (int i = 0; ; i++) {
            String key = prefix + "-" + i;
            backend.set(ns, key, ("value of " + key).getBytes(StandardCharsets.UTF_8), 0);
            System.out.println("ACK " + key);
            System.out.flush();
        }
    }
}
