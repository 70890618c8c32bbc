package dev.plinth.provider.jsonfile.internal;

import static dev.plinth.provider.jsonfile.internal.Backends.present;
import static dev.plinth.provider.jsonfile.internal.Backends.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.StorageOpenException;
import dev.plinth.provider.jsonfile.CorruptDataFileException;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Missing and damaged files (issue 14, items 3 and 10): a file the data set needs that is missing, empty
 * or damaged stops the open with a {@link CorruptDataFileException} naming it, and the folder is left
 * exactly as it was, so that restoring the file makes everything readable again.
 */
class DamagedFilesTest {
    private static final Namespace NS = Namespace.of("notes");

    @TempDir
    Path dir;

    @Test
    void aMissingManifestFailsTheOpenAndDeletesNothing() throws IOException {
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
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
                .isInstanceOf(CorruptDataFileException.class)
                .isInstanceOf(StorageOpenException.class)
                .hasMessageContaining(manifest.toString())
                .hasMessageContaining("missing")
                .satisfies(e ->
                        assertThat(((StorageOpenException) e).isRetryable()).isFalse());
        assertThat(folder()).as("nothing deleted or rewritten").isEqualTo(before);
        Files.write(manifest, saved);
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            assertThat(b.count(NS, GlobPattern.compile("*"))).isEqualTo(320);
        }
    }

    @Test
    void snapshotsWithoutTheManifestOrAnyJournalFailTheOpenNamingTheManifestAndDeleteNothing() throws IOException {
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            b.set(NS, "a", utf8("1"), 0);
            b.compactNow();
        }
        Path manifest = dir.resolve(FileNames.MANIFEST);
        Files.delete(manifest);
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                if (FileNames.journalSequence(p.getFileName().toString()) >= 0) {
                    Files.delete(p);
                }
            }
        }
        assertThat(dir.resolve(FileNames.snapshot("notes", 1))).exists();
        Map<String, String> before = folder();
        // The provider's typed error, naming the file to restore: not a NoSuchElementException from an
        // empty list of journals, which the runtime would report as an unexpected failure.
        assertThatThrownBy(() -> Backends.open(dir, ChangeListener.NONE))
                .isInstanceOf(CorruptDataFileException.class)
                .isInstanceOf(StorageOpenException.class)
                .hasMessageContaining(manifest.toString())
                .hasMessageContaining("missing")
                .satisfies(
                        e -> assertThat(((CorruptDataFileException) e).file()).isEqualTo(manifest))
                .satisfies(e ->
                        assertThat(((StorageOpenException) e).isRetryable()).isFalse());
        assertThat(folder()).as("nothing deleted or rewritten").isEqualTo(before);
    }

    @Test
    void aDamagedManifestThatWouldSkipAJournalIsRefused() throws IOException {
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            b.set(NS, "a", utf8("1"), 0);
            b.compactNow();
            b.set(NS, "b", utf8("2"), 0);
        }
        Path manifest = dir.resolve(FileNames.MANIFEST);
        String text = Files.readString(manifest);
        assertThat(text).contains("\"journalFrom\" : 2");
        Files.writeString(manifest, text.replace("\"journalFrom\" : 2", "\"journalFrom\" : 3"));
        Map<String, String> before = folder();
        assertThatThrownBy(() -> Backends.open(dir, ChangeListener.NONE))
                .isInstanceOf(CorruptDataFileException.class)
                .hasMessageContaining(manifest.toString());
        assertThat(folder()).isEqualTo(before);
    }

    @Test
    void anEmptyJournalWhereDataExistedIsRefused() throws IOException {
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            b.set(NS, "a", utf8("1"), 0);
            b.set(NS, "b", utf8("2"), 0);
        }
        Path journal = dir.resolve(FileNames.journal(1));
        byte[] saved = Files.readAllBytes(journal);
        Files.write(journal, new byte[0]);
        Map<String, String> before = folder();
        assertThatThrownBy(() -> Backends.open(dir, ChangeListener.NONE))
                .isInstanceOf(CorruptDataFileException.class)
                .hasMessageContaining(journal.toString())
                .hasMessageContaining("empty");
        assertThat(folder()).isEqualTo(before);
        Files.write(journal, saved);
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            assertThat(b.count(NS, GlobPattern.compile("*"))).isEqualTo(2);
            b.compactNow();
            b.set(NS, "c", utf8("3"), 0);
        }
        Path current = dir.resolve(FileNames.journal(2));
        Files.write(current, new byte[0]);
        before = folder();
        assertThatThrownBy(() -> Backends.open(dir, ChangeListener.NONE))
                .isInstanceOf(CorruptDataFileException.class)
                .hasMessageContaining(current.toString())
                .hasMessageContaining("empty");
        assertThat(folder()).isEqualTo(before);
    }

    @Test
    void anEmptyManifestOrSnapshotIsRefused() throws IOException {
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            b.set(NS, "a", utf8("1"), 0);
            b.compactNow();
        }
        for (Path file : List.of(dir.resolve(FileNames.MANIFEST), dir.resolve(FileNames.snapshot("notes", 1)))) {
            byte[] saved = Files.readAllBytes(file);
            Files.write(file, new byte[0]);
            Map<String, String> before = folder();
            assertThatThrownBy(() -> Backends.open(dir, ChangeListener.NONE))
                    .isInstanceOf(CorruptDataFileException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("empty");
            assertThat(folder()).isEqualTo(before);
            Files.write(file, saved);
        }
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            assertThat(b.exists(NS, "a")).isTrue();
        }
    }

    @Test
    void aJournalCopiedUnderAnotherSequenceIsRefused() throws IOException {
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            b.set(NS, "a", utf8("1"), 0);
        }
        // journal 2 holding journal 1's header: a rename or copy, which would replay changes twice.
        Files.copy(dir.resolve(FileNames.journal(1)), dir.resolve(FileNames.journal(2)));
        Path second = dir.resolve(FileNames.journal(2));
        assertThatThrownBy(() -> Backends.open(dir, ChangeListener.NONE))
                .isInstanceOf(CorruptDataFileException.class)
                .hasMessageContaining(second.toString())
                .hasMessageContaining("line 1")
                .hasMessageContaining("journal 1, not 2");
    }

    @Test
    void damageInsideAJournalValueIsDetected() throws IOException {
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            b.set(NS, "a", utf8("alpha"), 0);
            b.set(NS, "b", utf8("bravo"), 0);
            b.set(NS, "c", utf8("charlie"), 0);
        }
        Path journal = dir.resolve(FileNames.journal(1));
        String original = Files.readString(journal);
        for (String damaged : List.of(original.replace("bravo", "brave"), original.replace("charlie", "charlee"))) {
            int line = lineOf(damaged, damaged.contains("brave") ? "brave" : "charlee");
            Files.writeString(journal, damaged);
            Map<String, String> before = folder();
            assertThatThrownBy(() -> Backends.open(dir, ChangeListener.NONE))
                    .isInstanceOf(CorruptDataFileException.class)
                    .hasMessageContaining(journal.toString())
                    .hasMessageContaining("line " + line)
                    .hasMessageContaining("checksum");
            assertThat(folder()).isEqualTo(before);
        }
        Files.writeString(journal, original);
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            assertThat(Backends.text(present(b.get(NS, "b")).value())).isEqualTo("bravo");
        }
    }

    @Test
    void damageInsideASnapshotValueIsDetected() throws IOException {
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            b.set(NS, "a", utf8("alpha"), 0);
            b.set(NS, "b", utf8("bravo"), 0);
            b.compactNow();
        }
        Path snapshot = dir.resolve(FileNames.snapshot("notes", 1));
        String original = Files.readString(snapshot);
        String damaged = original.replace("bravo", "brave");
        Files.writeString(snapshot, damaged);
        Map<String, String> before = folder();
        assertThatThrownBy(() -> Backends.open(dir, ChangeListener.NONE))
                .isInstanceOf(CorruptDataFileException.class)
                .hasMessageContaining(snapshot.toString())
                .hasMessageContaining("line " + lineOf(damaged, "brave"))
                .hasMessageContaining("checksum");
        assertThat(folder()).isEqualTo(before);
        // A whole entry line removed is found too: the snapshot records how many entries it holds.
        List<String> lines = new java.util.ArrayList<>(List.of(original.split("\n")));
        lines.removeIf(l -> l.contains("bravo"));
        lines.replaceAll(l -> l.contains("alpha") ? l.replaceAll(",$", "") : l);
        Files.write(snapshot, lines);
        assertThatThrownBy(() -> Backends.open(dir, ChangeListener.NONE))
                .isInstanceOf(CorruptDataFileException.class)
                .hasMessageContaining(snapshot.toString())
                .hasMessageContaining("count");
        Files.writeString(snapshot, original);
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            assertThat(b.count(NS, GlobPattern.compile("*"))).isEqualTo(2);
        }
    }

    @Test
    void aCompleteLastLineWhoseKeyBreaksTheKeyRulesIsDamageNotATornLine() throws IOException {
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            b.set(NS, "a", utf8("1"), 0);
        }
        Path journal = dir.resolve(FileNames.journal(1));
        // Checksummed as this provider writes lines: only the key is wrong.
        String line =
                Backends.withCrc("{\"op\":\"set\",\"ns\":\"notes\",\"key\":\"b\\u0000\",\"value\":\"2\",\"version\":9");
        Files.writeString(journal, line, StandardOpenOption.APPEND);
        Map<String, String> before = folder();
        assertThatThrownBy(() -> Backends.open(dir, ChangeListener.NONE))
                .isInstanceOf(CorruptDataFileException.class)
                .hasMessageContaining(journal.toString())
                .hasMessageContaining("U+0000");
        assertThat(folder()).isEqualTo(before);
    }

    @Test
    void aMissingSnapshotOrJournalIsRefusedNamingIt() throws IOException {
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
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
        for (Path missing : List.of(
                dir.resolve(FileNames.snapshot("notes", 1)),
                dir.resolve(FileNames.journal(2)),
                dir.resolve(FileNames.journal(3)))) {
            byte[] saved = Files.readAllBytes(missing);
            Files.delete(missing);
            Map<String, String> before = folder();
            assertThatThrownBy(() -> Backends.open(dir, ChangeListener.NONE))
                    .isInstanceOf(CorruptDataFileException.class)
                    .hasMessageContaining(missing.toString())
                    .hasMessageContaining("missing");
            assertThat(folder()).as("after removing %s", missing).isEqualTo(before);
            Files.write(missing, saved);
        }
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            assertThat(b.list(NS, GlobPattern.compile("*"), null, 10)).containsExactly("a", "b", "c", "d");
        }
    }

    private static int lineOf(String text, String needle) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(needle)) {
                return i + 1;
            }
        }
        throw new AssertionError(needle + " not found");
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
