package dev.plinth.provider.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.api.storage.ChangeEvent;
import dev.plinth.api.storage.ChangeType;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.LockHandle;
import dev.plinth.api.storage.Subscription;
import dev.plinth.core.config.StorageSettings;
import dev.plinth.core.storage.StorageEngine;
import dev.plinth.provider.sqlite.internal.TestBackends;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provider driven the way plugins meet it: through runtime-core's engine and scoped stores. */
class SqliteEngineTest {
    @TempDir
    Path dir;

    private StorageEngine engine(Path file) {
        return StorageEngine.open(
                new SqliteStorageProvider(),
                TestBackends.config(
                        Map.of("path", file.toString(), "sweepInterval", "20ms", "eventPollInterval", "10ms")),
                StorageSettings.defaults());
    }

    @Test
    void storesWatchesAndLocksThroughTheEngine() throws Exception {
        Path file = dir.resolve("engine.db");
        try (StorageEngine a = engine(file);
                StorageEngine b = engine(file)) {
            KeyValueStore notesA = a.store("notes");
            KeyValueStore notesB = b.store("notes");
            List<ChangeEvent> seenByB = new CopyOnWriteArrayList<>();
            try (Subscription sub = notesB.watch("user:*", seenByB::add)) {
                notesA.setString("user:1", "Ada");
                notesA.setString("other", "x");
                notesA.setString("user:2", "Bob", Duration.ofMillis(30));
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (seenByB.size() < 3 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertThat(seenByB)
                        .extracting(ChangeEvent::type, e -> e.key().orElse(null))
                        .containsExactly(
                                org.assertj.core.groups.Tuple.tuple(ChangeType.SET, "user:1"),
                                org.assertj.core.groups.Tuple.tuple(ChangeType.SET, "user:2"),
                                org.assertj.core.groups.Tuple.tuple(ChangeType.EXPIRE, "user:2"));
            }
            assertThat(notesB.getString("user:1")).contains("Ada");
            assertThat(notesB.keys("*")).containsExactly("other", "user:1");

            try (LockHandle held = notesA.lock("job", Duration.ofSeconds(1))) {
                assertThat(notesB.tryLock("job")).isEmpty();
            }
            Optional<LockHandle> later = notesB.tryLock("job");
            assertThat(later).isPresent();
            later.get().close();
            assertThat(a.lockEntries()).isZero();
            assertThat(b.lockEntries()).isZero();
            // Native parts: the runtime's lock table is not in the way of the file's.
            assertThat(a.backend())
                    .isInstanceOf(dev.plinth.spi.storage.NativeLocks.class)
                    .isInstanceOf(dev.plinth.spi.storage.ChangeFeed.class);
        }
    }
}
