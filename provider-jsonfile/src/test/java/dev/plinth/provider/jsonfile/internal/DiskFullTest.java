package dev.plinth.provider.jsonfile.internal;

import static dev.plinth.provider.jsonfile.internal.Backends.present;
import static dev.plinth.provider.jsonfile.internal.Backends.text;
import static dev.plinth.provider.jsonfile.internal.Backends.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.provider.jsonfile.JournalWriteException;
import dev.plinth.provider.jsonfile.JsonFileStorageProvider.Durability;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.Precondition;
import dev.plinth.spi.storage.Write;
import dev.plinth.tck.SmallFilesystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A real full disk (a small tmpfs, no mock): writes fail with a typed, retryable error naming the journal
 * and the file system's reason, change nothing, and the same open backend writes again once space returns,
 * without a reopen; compaction on a full disk loses nothing.
 */
class DiskFullTest {
    private static final Namespace NS = Namespace.of("notes");
    private static final long SIZE = 2L * 1024 * 1024;
    private static final int FAILURES_WANTED = 20;
    private static final int WRITES_AFTER = 20;

    private static JsonFileSettings settings(Path folder, Durability durability, long compactionThreshold) {
        return new JsonFileSettings(
                folder, durability, Duration.ofMillis(5), compactionThreshold, 0, Duration.ofMillis(20));
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void writesFailTypedWhileTheDiskIsFullAndTheSameBackendWritesAgainOnceSpaceReturns(Durability durability)
            throws Exception {
        try (SmallFilesystem fs = SmallFilesystem.mount(SIZE)) {
            Path folder = fs.path().resolve("data");
            JsonFileSettings settings = settings(folder, durability, 16L * 1024 * 1024);
            List<String> acknowledged = new ArrayList<>();
            Path journal;
            RecordingListener events = new RecordingListener();
            try (JsonFileStorageBackend b = Backends.open(settings, events)) {
                journal = b.directory().resolve(FileNames.journal(1));
                for (int i = 0; i < 100; i++) {
                    b.set(NS, "before" + i, utf8("value " + i), 0);
                    acknowledged.add("before" + i);
                }
                Path ballast = fs.fill();
                int failures = 0;
                int attempts = 0;
                // The journal's last page may still take a few lines after the ballast took the rest.
                for (int i = 0; failures < FAILURES_WANTED && i < 100_000; i++) {
                    attempts++;
                    String key = "full" + i;
                    try {
                        b.set(NS, key, utf8("x".repeat(200)), 0);
                        acknowledged.add(key);
                    } catch (JournalWriteException e) {
                        failures++;
                        assertThat(e.isRetryable()).isTrue();
                        assertThat(e.getMessage()).contains(journal.toString()).contains("No space left on device");
                        assertThat(b.exists(NS, key))
                                .as("a failed write changes nothing")
                                .isFalse();
                    }
                }
                assertThat(failures).as("writes refused by the full disk").isEqualTo(FAILURES_WANTED);
                // Other kinds of write fail the same way and change nothing (large ones: the last page of
                // the journal may still hold a short line).
                long version = present(b.get(NS, "before0")).version();
                events.clear();
                String big = "z".repeat(8192);
                assertThatThrownBy(() -> b.commit(
                                NS,
                                new Commit(
                                        List.of(new Precondition("before0", version)),
                                        List.of(new Write.Put("tx", utf8(big), 0), new Write.Remove("before0")))))
                        .isInstanceOf(JournalWriteException.class);
                assertThatThrownBy(() -> b.increment(NS, "n" + big, 1)).isInstanceOf(JournalWriteException.class);
                assertThat(events.events())
                        .as("nothing reported for failed writes")
                        .isEmpty();
                assertThat(present(b.get(NS, "before0")).version()).isEqualTo(version);
                // The half-written lines were cut off again: the journal ends with a complete line.
                byte[] bytes = Files.readAllBytes(journal);
                assertThat(bytes[bytes.length - 1]).isEqualTo((byte) '\n');
                long liveBefore = b.count(NS, GlobPattern.compile("*"));
                assertThat(liveBefore).isEqualTo(acknowledged.size());
                Files.delete(ballast);
                int succeeded = 0;
                for (int i = 0; i < WRITES_AFTER; i++) {
                    b.set(NS, "after" + i, utf8("value " + i), 0);
                    acknowledged.add("after" + i);
                    succeeded++;
                }
                assertThat(events.events())
                        .contains("SET notes after19 "
                                + present(b.get(NS, "after19")).version());
                System.out.printf(
                        "%s: %d of %d writes failed on the full disk (JournalWriteException);"
                                + " after freeing it, %d of %d writes succeeded on the same backend%n",
                        durability, failures, attempts, succeeded, WRITES_AFTER);
            }
            try (JsonFileStorageBackend b = Backends.open(settings, ChangeListener.NONE)) {
                for (String key : acknowledged) {
                    assertThat(b.exists(NS, key)).as("acknowledged %s", key).isTrue();
                }
                assertThat(b.count(NS, GlobPattern.compile("*"))).isEqualTo(acknowledged.size());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void compactionOnAFullDiskLosesNothingAndSucceedsOnceTheFileSystemGrows(Durability durability) throws Exception {
        try (SmallFilesystem fs = SmallFilesystem.mount(SIZE)) {
            Path folder = fs.path().resolve("data");
            JsonFileSettings settings = settings(folder, durability, 16L * 1024 * 1024);
            List<String> acknowledged = new ArrayList<>();
            try (JsonFileStorageBackend b = Backends.open(settings, ChangeListener.NONE)) {
                for (int i = 0; i < 2_000; i++) {
                    b.set(NS, "k" + i, utf8("value of k" + i + " " + "y".repeat(100)), 0);
                    acknowledged.add("k" + i);
                }
                fs.fill();
                // Fails writing the snapshot (or even starting the next journal); must leave all as it was.
                b.compactNow();
                b.compactNow();
                for (String key : acknowledged) {
                    assertThat(b.exists(NS, key)).isTrue();
                }
                fs.resize(4 * SIZE);
                b.compactNow();
                assertThat(Manifest.read(b.directory().resolve(FileNames.MANIFEST))
                                .namespaces())
                        .containsKey("notes");
                for (int i = 0; i < WRITES_AFTER; i++) {
                    b.set(NS, "after" + i, utf8("v"), 0);
                    acknowledged.add("after" + i);
                }
            }
            try (JsonFileStorageBackend b = Backends.open(settings, ChangeListener.NONE)) {
                for (String key : acknowledged) {
                    assertThat(b.exists(NS, key)).as("acknowledged %s", key).isTrue();
                }
                assertThat(text(present(b.get(NS, "k1999")).value())).startsWith("value of k1999 ");
                assertThat(b.count(NS, GlobPattern.compile("*"))).isEqualTo(acknowledged.size());
            }
        }
    }
}
