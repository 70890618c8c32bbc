package dev.plinth.provider.jsonfile.internal;

import static dev.plinth.provider.jsonfile.internal.Backends.present;
import static dev.plinth.provider.jsonfile.internal.Backends.text;
import static dev.plinth.provider.jsonfile.internal.Backends.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.provider.jsonfile.JournalWriteException;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failing fsync of the folder after a rename (EIO), through {@link FailingFolderSync}: the renamed file is
 * in place, only whether the rename survives a power loss is unknown. So the store must neither delete
 * what the new file needs (it is what the folder holds now) nor what the file it replaced needs (a power
 * loss may bring that one back), and must not be left stuck once the disk works again.
 */
class FolderFsyncFailureTest {
    private static final Namespace NS = Namespace.of("notes");
    private static final Namespace OTHER = Namespace.of("other");

    @TempDir
    Path dir;

    @TempDir
    Path elsewhere;

    private final FailingFolderSync folder = new FailingFolderSync();

    private JsonFileStorageBackend open(JournalFile.Opener journalFiles) {
        return JsonFileStorageBackend.open(
                Backends.settings(dir), Backends.context(ChangeListener.NONE), journalFiles, folder);
    }

    private JsonFileStorageBackend open() {
        return open(JournalFile.Opener.DEFAULT);
    }

    @Test
    void aManifestWhoseFolderFsyncFailsIsKeptWithTheFilesOfBothManifests() throws Exception {
        Path manifest = dir.resolve(FileNames.MANIFEST);
        byte[] previous;
        try (JsonFileStorageBackend b = open()) {
            for (int i = 0; i < 50; i++) {
                b.set(NS, "k" + i, utf8("v" + i), 0);
            }
            b.compactNow();
            previous = Files.readAllBytes(manifest);
            for (int i = 50; i < 100; i++) {
                b.set(NS, "k" + i, utf8("v" + i), 0);
            }
            b.set(OTHER, "x", utf8("y"), 0);
            folder.failAfter(FileNames.MANIFEST::equals);
            b.compactNow();
            assertThat(folder.failures()).as("the fault was injected").isPositive();
            assertThat(Manifest.read(manifest).generation())
                    .as("the new manifest is in place")
                    .isEqualTo(2);
            assertEveryFileTheManifestNamesExists();
            // A power loss may bring the manifest before it back: that one must find its files too.
            assertThat(openAsAfterPowerLoss(previous)).hasSize(101);
            b.set(NS, "after", utf8("z"), 0);
            folder.heal();
            assertThat(Backends.eventually(() -> !Files.exists(dir.resolve(FileNames.snapshot("notes", 1)))
                            && !Files.exists(dir.resolve(FileNames.journal(2)))))
                    .as("once the manifest is durable, the files only the one before it needed are deleted")
                    .isTrue();
            assertEveryFileTheManifestNamesExists();
        }
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            assertThat(b.count(NS, GlobPattern.compile("*"))).isEqualTo(101);
            assertThat(text(present(b.get(OTHER, "x")).value())).isEqualTo("y");
        }
    }

    @Test
    void aFormatUpgradeWhoseManifestFolderFsyncFailsOpensAndKeepsEveryFile() throws Exception {
        copyFormat1(dir);
        copyFormat1(elsewhere);
        Map<String, String> expected;
        try (JsonFileStorageBackend b = Backends.open(elsewhere, ChangeListener.NONE)) {
            expected = dump(b);
        }
        folder.failAfter(FileNames.MANIFEST::equals);
        try (JsonFileStorageBackend b = open()) {
            assertThat(folder.failures()).as("the fault was injected").isPositive();
            assertThat(dump(b)).isEqualTo(expected);
            assertThat(Files.readString(dir.resolve(FileNames.MANIFEST))).contains("\"format\" : 2");
            assertEveryFileTheManifestNamesExists();
            assertThat(dir.resolve(FileNames.journal(2)))
                    .as("the format 1 journal is kept for now")
                    .exists();
            folder.heal();
            assertThat(Backends.eventually(() -> !Files.exists(dir.resolve(FileNames.journal(2)))))
                    .as("once the manifest is durable, the format 1 files are deleted")
                    .isTrue();
            assertEveryFileTheManifestNamesExists();
        }
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            assertThat(dump(b)).isEqualTo(expected);
        }
    }

    @Test
    void aNewJournalWhoseFolderFsyncFailsIsRemovedAndTheNextCompactionSucceeds() throws Exception {
        try (JsonFileStorageBackend b = open()) {
            b.set(NS, "a", utf8("1"), 0);
            folder.failAfter(name -> FileNames.journalSequence(name) >= 0);
            b.compactNow();
            assertThat(folder.failures()).as("the fault was injected").isPositive();
            assertThat(dir.resolve(FileNames.journal(2)))
                    .as("no header-only journal left behind")
                    .doesNotExist();
            b.set(NS, "b", utf8("2"), 0);
            folder.heal();
            b.compactNow();
            assertThat(dir.resolve(FileNames.MANIFEST)).exists();
            assertThat(Manifest.read(dir.resolve(FileNames.MANIFEST)).journalFrom())
                    .isEqualTo(2);
            assertThat(dir.resolve(FileNames.journal(1))).doesNotExist();
            b.set(NS, "c", utf8("3"), 0);
        }
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            assertThat(b.list(NS, GlobPattern.compile("*"), null, 10)).containsExactly("a", "b", "c");
        }
    }

    /** What a failed delete after a failed folder fsync leaves: the next journal, holding only its header. */
    @Test
    void aHeaderOnlyJournalLeftBehindIsReusedByTheNextSwitch() throws Exception {
        try (JsonFileStorageBackend b = open()) {
            b.set(NS, "a", utf8("1"), 0);
            Files.writeString(
                    dir.resolve(FileNames.journal(2)), Backends.withCrc("{\"format\":2,\"journal\":2") + "\n");
            b.compactNow();
            assertThat(dir.resolve(FileNames.MANIFEST))
                    .as("the compaction succeeded")
                    .exists();
            assertThat(Manifest.read(dir.resolve(FileNames.MANIFEST)).journalFrom())
                    .isEqualTo(2);
            b.set(NS, "b", utf8("2"), 0);
        }
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            assertThat(b.list(NS, GlobPattern.compile("*"), null, 10)).containsExactly("a", "b");
        }
    }

    @Test
    void afterAFailedFsyncTheRepairGetsPastANewJournalWhoseFolderFsyncFailed() throws Exception {
        AtomicBoolean journalFsyncFails = new AtomicBoolean();
        try (JsonFileStorageBackend b =
                open(path -> new FailingJournalFile(JournalFile.Opener.DEFAULT.open(path), journalFsyncFails))) {
            b.set(NS, "a", utf8("1"), 0);
            journalFsyncFails.set(true);
            folder.failAfter(name -> FileNames.journalSequence(name) >= 0);
            assertThatThrownBy(() -> b.set(NS, "b", utf8("2"), 0)).isInstanceOf(JournalWriteException.class);
            journalFsyncFails.set(false);
            // The repair's new journal cannot be made durable yet: writes stay refused.
            assertThat(Backends.eventually(() -> folder.failures() > 0))
                    .as("the fault was injected")
                    .isTrue();
            assertThatThrownBy(() -> b.set(NS, "refused", utf8("x"), 0)).isInstanceOf(JournalWriteException.class);
            folder.heal();
            assertThat(Backends.eventually(() -> {
                        try {
                            b.set(NS, "c", utf8("3"), 0);
                            return true;
                        } catch (JournalWriteException retryable) {
                            return false;
                        }
                    }))
                    .as("a write succeeds again once the folder fsyncs")
                    .isTrue();
        }
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            assertThat(b.list(NS, GlobPattern.compile("*"), null, 10)).containsExactly("a", "b", "c");
        }
    }

    @Test
    void aRepairWhoseManifestFolderFsyncFailsKeepsItsFilesAndRefusesWritesUntilItIsDurable() throws Exception {
        AtomicBoolean journalFsyncFails = new AtomicBoolean();
        try (JsonFileStorageBackend b =
                open(path -> new FailingJournalFile(JournalFile.Opener.DEFAULT.open(path), journalFsyncFails))) {
            b.set(NS, "a", utf8("1"), 0);
            b.compactNow();
            b.set(NS, "b", utf8("2"), 0);
            journalFsyncFails.set(true);
            folder.failAfter(FileNames.MANIFEST::equals);
            assertThatThrownBy(() -> b.set(NS, "c", utf8("3"), 0)).isInstanceOf(JournalWriteException.class);
            journalFsyncFails.set(false);
            assertThat(Backends.eventually(() -> folder.failures() > 0))
                    .as("the fault was injected")
                    .isTrue();
            assertEveryFileTheManifestNamesExists();
            // Everything is in files again, but the manifest naming them may not survive a power loss.
            assertThatThrownBy(() -> b.set(NS, "refused", utf8("x"), 0)).isInstanceOf(JournalWriteException.class);
            folder.heal();
            assertThat(Backends.eventually(() -> {
                        try {
                            b.set(NS, "d", utf8("4"), 0);
                            return true;
                        } catch (JournalWriteException retryable) {
                            return false;
                        }
                    }))
                    .as("a write succeeds again once the folder fsyncs")
                    .isTrue();
            assertEveryFileTheManifestNamesExists();
        }
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            assertThat(b.list(NS, GlobPattern.compile("*"), null, 10)).containsExactly("a", "b", "c", "d");
        }
    }

    /** The snapshots and first journal the manifest on disk names are there: the folder opens as it is. */
    private void assertEveryFileTheManifestNamesExists() {
        Manifest m = Manifest.read(dir.resolve(FileNames.MANIFEST));
        for (String snapshot : m.namespaces().values()) {
            assertThat(dir.resolve(snapshot))
                    .as("snapshot named by the manifest")
                    .exists();
        }
        assertThat(dir.resolve(FileNames.journal(m.journalFrom())))
                .as("first journal named by the manifest")
                .exists();
    }

    /**
     * Opens a copy of the folder in which the rename of the manifest was lost, as a power loss may leave it:
     * {@code previous} is back in place.
     *
     * @return every key of {@link #NS} and {@link #OTHER} found
     */
    private List<String> openAsAfterPowerLoss(byte[] previous) throws IOException {
        Path copy = Files.createDirectory(elsewhere.resolve("after-power-loss"));
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (!name.equals(FolderLock.FILE_NAME) && !FileNames.isTemp(name)) {
                    Files.copy(f, copy.resolve(name));
                }
            }
        }
        Files.write(copy.resolve(FileNames.MANIFEST), previous);
        try (JsonFileStorageBackend b = Backends.open(copy, ChangeListener.NONE)) {
            List<String> keys = new java.util.ArrayList<>(b.list(NS, GlobPattern.compile("*"), null, 1000));
            keys.addAll(b.list(OTHER, GlobPattern.compile("*"), null, 1000));
            return keys;
        }
    }

    private static void copyFormat1(Path to) throws IOException, URISyntaxException {
        Path from = Path.of(
                FolderFsyncFailureTest.class.getResource("/format1/compacted").toURI());
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    private static Map<String, String> dump(JsonFileStorageBackend b) {
        Map<String, String> out = new TreeMap<>();
        for (Namespace ns : List.of(NS, OTHER, NS.child("archive"))) {
            for (String key : b.list(ns, GlobPattern.compile("*"), null, 1000)) {
                BackendEntry e = present(b.get(ns, key));
                out.put(
                        ns + " " + key,
                        java.util.Arrays.toString(e.value()) + " v" + e.version() + " x" + e.expiresAtMillis());
            }
        }
        return out;
    }
}
