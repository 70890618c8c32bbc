package dev.plinth.provider.jsonfile;

import static dev.plinth.provider.jsonfile.Backends.text;
import static dev.plinth.provider.jsonfile.Backends.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.Namespace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failing fsync (EIO), through {@link FailingJournalFile}. */
class DiskFailureTest {
    private static final Namespace NS = Namespace.of("notes");

    @TempDir
    Path dir;

    @Test
    void afterAFailedFsyncWritesAreRefusedButReadsGoOn() {
        List<FailingJournalFile> files = new ArrayList<>();
        JournalFile.Opener opener = path -> {
            FailingJournalFile f = new FailingJournalFile(JournalFile.Opener.DEFAULT.open(path));
            files.add(f);
            return f;
        };
        try (JsonFileBackend b = JsonFileBackend.open(Backends.settings(dir), ChangeListener.NONE, opener)) {
            b.set(NS, "a", utf8("1"), 0);
            files.get(0).fsyncFails = true;
            // The line reached the file but its durability is unknown: the writer is told it failed.
            assertThatThrownBy(() -> b.set(NS, "b", utf8("2"), 0)).isInstanceOf(JournalWriteException.class)
                    .hasMessageContaining("Input/output error");
            assertThatThrownBy(() -> b.set(NS, "c", utf8("3"), 0)).isInstanceOf(JournalWriteException.class);
            assertThat(text(b.get(NS, "a").orElseThrow().value())).isEqualTo("1");
            assertThat(b.exists(NS, "c")).isFalse();
        }
    }
}
