package dev.plinth.provider.jsonfile;

import static dev.plinth.provider.jsonfile.Backends.text;
import static dev.plinth.provider.jsonfile.Backends.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.StorageException;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.Precondition;
import dev.plinth.spi.storage.Write;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskFailureTest {
    private static final Namespace NS = Namespace.of("notes");

    @TempDir
    Path dir;

    @Test
    void aFailedJournalWriteChangesNothingAndReportsNothing() throws IOException {
        List<FailingChannel> channels = new ArrayList<>();
        FileChannelFactory factory = path -> {
            FailingChannel c = new FailingChannel(FileChannelFactory.DEFAULT.openForAppend(path));
            channels.add(c);
            return c;
        };
        RecordingListener events = new RecordingListener();
        Path journal;
        try (JsonFileBackend b = JsonFileBackend.open(Backends.settings(dir), events, factory)) {
            long v = b.set(NS, "a", utf8("1"), 0);
            events.clear();
            channels.get(0).diskFull = true;
            journal = b.directory().resolve(FileNames.journal(1));
            assertThatThrownBy(() -> b.set(NS, "a", utf8("2"), 0))
                    .isInstanceOf(JournalWriteException.class)
                    .hasMessageContaining(journal.toString())
                    .hasMessageContaining("No space left on device")
                    .satisfies(e -> assertThat(((StorageException) e).isRetryable()).isTrue());
            assertThatThrownBy(() -> b.commit(NS, List.of(new Precondition("a", v)),
                    List.of(new Write.Put("b", utf8("x"), 0), new Write.Remove("a"))))
                    .isInstanceOf(JournalWriteException.class);
            assertThatThrownBy(() -> b.clear(NS)).isInstanceOf(JournalWriteException.class);
            assertThatThrownBy(() -> b.increment(NS, "n", 1)).isInstanceOf(JournalWriteException.class);
            assertThat(events.events()).isEmpty();
            assertThat(text(b.get(NS, "a").orElseThrow().value())).isEqualTo("1");
            assertThat(b.get(NS, "a").orElseThrow().version()).isEqualTo(v);
            assertThat(b.count(NS, GlobPattern.compile("*"))).isEqualTo(1);
            // The half-written lines were cut off again: the journal holds only complete lines.
            assertThat(Files.readAllLines(journal)).hasSize(1);

            channels.get(0).diskFull = false;
            long v2 = b.set(NS, "a", utf8("3"), 0);
            assertThat(v2).isGreaterThan(v);
            assertThat(events.events()).containsExactly("SET notes a " + v2);
        }
        try (JsonFileBackend b = Backends.open(dir, ChangeListener.NONE)) {
            assertThat(text(b.get(NS, "a").orElseThrow().value())).isEqualTo("3");
            assertThat(b.count(NS, GlobPattern.compile("*"))).isEqualTo(1);
        }
    }

    @Test
    void afterAFailedFsyncWritesAreRefusedButReadsGoOn() {
        List<FailingChannel> channels = new ArrayList<>();
        FileChannelFactory factory = path -> {
            FailingChannel c = new FailingChannel(FileChannelFactory.DEFAULT.openForAppend(path));
            channels.add(c);
            return c;
        };
        try (JsonFileBackend b = JsonFileBackend.open(Backends.settings(dir), ChangeListener.NONE, factory)) {
            b.set(NS, "a", utf8("1"), 0);
            channels.get(0).fsyncFails = true;
            // The line reached the file but its durability is unknown: the writer is told it failed.
            assertThatThrownBy(() -> b.set(NS, "b", utf8("2"), 0)).isInstanceOf(JournalWriteException.class)
                    .hasMessageContaining("Input/output error");
            assertThatThrownBy(() -> b.set(NS, "c", utf8("3"), 0)).isInstanceOf(JournalWriteException.class);
            assertThat(text(b.get(NS, "a").orElseThrow().value())).isEqualTo("1");
            assertThat(b.exists(NS, "c")).isFalse();
        }
    }

    @Test
    void anInterruptedWriterDoesNotBreakTheJournalForOthers() throws Exception {
        RecordingListener events = new RecordingListener();
        try (JsonFileBackend b = Backends.open(dir, events)) {
            b.set(NS, "before", utf8("1"), 0);
            Throwable[] failure = new Throwable[1];
            Thread t = new Thread(() -> {
                Thread.currentThread().interrupt();
                try {
                    b.set(NS, "interrupted", utf8("x"), 0);
                } catch (RuntimeException e) {
                    failure[0] = e;
                }
            });
            t.start();
            t.join();
            // An interrupt closes a FileChannel mid-write: that one write fails cleanly, with no trace.
            assertThat(failure[0]).isInstanceOf(JournalWriteException.class);
            assertThat(b.exists(NS, "interrupted")).isFalse();
            b.set(NS, "after", utf8("2"), 0);
        }
        try (JsonFileBackend b = Backends.open(dir, ChangeListener.NONE)) {
            assertThat(b.list(NS, GlobPattern.compile("*"), null, 10).keys()).containsExactly("after", "before");
        }
    }

    @Test
    void aFolderThatCannotBeCreatedIsATypedErrorNamingThePath() throws IOException {
        Path file = dir.resolve("plain-file");
        Files.writeString(file, "x");
        Path inside = file.resolve("data");
        assertThatThrownBy(() -> Backends.open(inside, ChangeListener.NONE))
                .isInstanceOf(StorageException.class).hasMessageContaining(inside.toString());
        assertThatThrownBy(() -> Backends.open(file, ChangeListener.NONE))
                .isInstanceOf(StorageException.class).hasMessageContaining(file.toString());
    }
}
