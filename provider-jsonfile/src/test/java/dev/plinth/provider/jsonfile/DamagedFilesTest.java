package dev.plinth.provider.jsonfile;

import static dev.plinth.provider.jsonfile.Backends.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.StorageOpenException;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Missing and damaged files (issue 14, item 3): a file the data set needs that is missing, empty
 * or damaged stops the open with a {@link CorruptDataFileException} naming it, and the folder is left
 * exactly as it was, so that restoring the file makes everything readable again.
 */
class DamagedFilesTest {
    private static final Namespace NS = Namespace.of("notes");

    @TempDir
    Path dir;

    @Test
    void aMissingManifestFailsTheOpenAndDeletesNothing() throws IOException {
        try (JsonFileBackend b = Backends.open(dir, ChangeListener.NONE)) {
            for (int i = 0; i < 300; i++) {
                b.set(NS, "k" + i, utf8("value " + i), 0);
            }
            b.compactNow();
            for (int i = 300; i < 320; i++) {
                b.set(NS, "k" + i, utf8("value " + i), 0);
            }
        }
        Path manifest = dir.resolve(FileNames.MANIFEST);
        byte[] saved = Files.readAllBytes(manifest);
        Files.delete(manifest);
        Map<String, String> before = folder();
        assertThatThrownBy(() -> Backends.open(dir, ChangeListener.NONE))
                .isInstanceOf(CorruptDataFileException.class).isInstanceOf(StorageOpenException.class)
                .hasMessageContaining(manifest.toString()).hasMessageContaining("missing")
                .satisfies(e -> assertThat(((StorageOpenException) e).isRetryable()).isFalse());
        assertThat(folder()).as("nothing deleted or rewritten").isEqualTo(before);
        Files.write(manifest, saved);
        try (JsonFileBackend b = Backends.open(dir, ChangeListener.NONE)) {
            assertThat(b.count(NS, GlobPattern.compile("*"))).isEqualTo(320);
        }
    }

    @Test
    void aMissingSnapshotOrJournalIsRefusedNamingIt() throws IOException {
        try (JsonFileBackend b = Backends.open(dir, ChangeListener.NONE)) {
            b.set(NS, "a", utf8("1"), 0);
            b.compactNow();
            b.set(NS, "b", utf8("2"), 0);
            // Failed compactions (a folder blocks the snapshot's temp file) leave journals 2, 3 and 4.
            Path blocker = dir.resolve(FileNames.snapshot("notes", 2) + FileNames.TEMP_SUFFIX);
            Files.createDirectory(blocker);
            Files.writeString(blocker.resolve("keep"), "x");
            b.compactNow();
            b.set(NS, "c", utf8("3"), 0);
            b.compactNow();
            b.set(NS, "d", utf8("4"), 0);
            Files.delete(blocker.resolve("keep"));
            Files.delete(blocker);
        }
        assertThat(dir.resolve(FileNames.journal(4))).exists();
        for (Path missing : List.of(dir.resolve(FileNames.snapshot("notes", 1)), dir.resolve(FileNames.journal(2)),
                dir.resolve(FileNames.journal(3)))) {
            byte[] saved = Files.readAllBytes(missing);
            Files.delete(missing);
            Map<String, String> before = folder();
            assertThatThrownBy(() -> Backends.open(dir, ChangeListener.NONE))
                    .isInstanceOf(CorruptDataFileException.class)
                    .hasMessageContaining(missing.toString()).hasMessageContaining("missing");
            assertThat(folder()).as("after removing %s", missing).isEqualTo(before);
            Files.write(missing, saved);
        }
        try (JsonFileBackend b = Backends.open(dir, ChangeListener.NONE)) {
            assertThat(b.list(NS, GlobPattern.compile("*"), null, 10).keys()).containsExactly("a", "b", "c", "d");
        }
    }

    /** Every data file's content; the lock file is excluded: each opener records itself there. */
    private Map<String, String> folder() throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                if (!name.equals(FolderLock.FILE_NAME)) {
                    out.put(name, new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
                }
            }
        }
        return out;
    }
}
