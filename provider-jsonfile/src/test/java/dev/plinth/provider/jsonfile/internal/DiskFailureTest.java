package dev.plinth.provider.jsonfile.internal;

import static dev.plinth.provider.jsonfile.internal.Backends.present;
import static dev.plinth.provider.jsonfile.internal.Backends.text;
import static dev.plinth.provider.jsonfile.internal.Backends.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.StorageException;
import dev.plinth.provider.jsonfile.JournalWriteException;
import dev.plinth.provider.jsonfile.JsonFileStorageProvider.Durability;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A failing fsync (EIO), through {@link FailingJournalFile}: after it the journal's content on disk is
 * unknown (Linux may drop the dirty pages and let a retried fsync succeed), so the store refuses writes
 * until it has rewritten its data to new files, then the same open backend writes again.
 */
class DiskFailureTest {
    private static final Namespace NS = Namespace.of("notes");

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Durability.class)
    void afterAFailedFsyncTheSameBackendRecoversOnceTheDiskDoes(Durability durability) throws Exception {
        AtomicBoolean diskFails = new AtomicBoolean();
        JournalFile.Opener opener = path -> new FailingJournalFile(JournalFile.Opener.DEFAULT.open(path), diskFails);
        JsonFileSettings s = Backends.settings(dir);
        JsonFileSettings settings = new JsonFileSettings(
                dir, durability, Duration.ofMillis(5), s.compactionThreshold(), 0, s.sweepInterval());
        RecordingListener events = new RecordingListener();
        int refused = 0;
        long healedAt;
        long recoveredAt;
        try (JsonFileStorageBackend b = JsonFileStorageBackend.open(settings, Backends.context(events), opener)) {
            b.set(NS, "a", utf8("1"), 0);
            diskFails.set(true);
            if (durability == Durability.SYNC) {
                // The line reached the file but its durability is unknown: the writer is told it failed.
                assertThatThrownBy(() -> b.set(NS, "b", utf8("2"), 0))
                        .isInstanceOf(JournalWriteException.class)
                        .hasMessageContaining("Input/output error")
                        .hasMessageContaining("fsync")
                        .satisfies(e ->
                                assertThat(((StorageException) e).isRetryable()).isTrue());
            } else {
                b.set(NS, "b", utf8("2"), 0);
                assertThat(Backends.eventually(() -> {
                            try {
                                b.set(NS, "probe", utf8("x"), 0);
                                return false;
                            } catch (JournalWriteException e) {
                                return true;
                            }
                        }))
                        .as("the flusher's failed fsync stops writes")
                        .isTrue();
            }
            // While the disk still fails (the repair's probe fsync fails too), writes are refused: typed,
            // retryable, and they change nothing. Spread over more than one repair attempt.
            for (int i = 0; i < 5; i++) {
                Thread.sleep(300);
                String key = "refused" + i;
                assertThatThrownBy(() -> b.set(NS, key, utf8("x"), 0))
                        .isInstanceOf(JournalWriteException.class)
                        .satisfies(e ->
                                assertThat(((StorageException) e).isRetryable()).isTrue());
                assertThat(b.exists(NS, key)).isFalse();
                refused++;
            }
            assertThat(text(present(b.get(NS, "a")).value())).isEqualTo("1");
            diskFails.set(false);
            healedAt = System.nanoTime();
            // The same open backend writes again once the disk does, without a reopen.
            assertThat(Backends.eventually(() -> {
                        try {
                            b.set(NS, "c", utf8("3"), 0);
                            return true;
                        } catch (JournalWriteException retryable) {
                            return false;
                        }
                    }))
                    .as("a write succeeds again after the fsync failure")
                    .isTrue();
            recoveredAt = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                b.set(NS, "after" + i, utf8("v"), 0);
            }
            long v = present(b.get(NS, "after19")).version();
            assertThat(Backends.eventually(() -> events.events().contains("SET notes after19 " + v)))
                    .isTrue();
            // b's change was in memory all along; once rewritten it is durable, and watchers hear of it.
            assertThat(Backends.eventually(() -> events.events().stream().anyMatch(e -> e.startsWith("SET notes b "))))
                    .isTrue();
        }
        System.out.printf(
                "%s: %d writes refused while fsync failed; first write accepted %.2f s after the"
                        + " disk healed; then 20 of 20 writes succeeded%n",
                durability, refused, (recoveredAt - healedAt) / 1e9);
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            assertThat(b.list(NS, GlobPattern.compile("[abc]"), null, 10)).containsExactly("a", "b", "c");
            assertThat(b.count(NS, GlobPattern.compile("after*"))).isEqualTo(20);
            assertThat(b.count(NS, GlobPattern.compile("refused*"))).isZero();
        }
    }
}
