package dev.plinth.provider.jsonfile.internal;

import static dev.plinth.provider.jsonfile.internal.Backends.present;
import static dev.plinth.provider.jsonfile.internal.Backends.text;
import static dev.plinth.provider.jsonfile.internal.Backends.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.provider.jsonfile.CorruptDataFileException;
import dev.plinth.provider.jsonfile.FolderInUseException;
import dev.plinth.provider.jsonfile.JsonFileStorageProvider.Durability;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.Write;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersistenceTest {
    private static final Namespace NS = Namespace.of("notes");
    private static final Namespace OTHER = Namespace.of("other");

    @TempDir
    Path dir;

    @Test
    void reopenKeepsValuesVersionsExpiryAndTheVersionSequence() {
        long maxVersion;
        byte[] binary = {(byte) 0xff, 0, 1, (byte) 0xc3};
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            b.set(NS, "text", utf8("{\"title\":\"héllo\\n\"}"), 0);
            b.set(NS, "bin", binary.clone(), 0);
            b.set(NS, "ttl", utf8("x"), 3_600_000);
            b.increment(NS, "count", 41);
            b.increment(NS, "count", 1);
            b.set(OTHER, "gone", utf8("x"), 0);
            b.clear(OTHER);
            b.commit(NS, Commit.of(new Write.Put("tx1", utf8("a"), 0), new Write.Put("tx2", utf8("b"), 0)));
            maxVersion = b.set(NS, "top", utf8("x"), 0);
            b.delete(NS, "top");
        }
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            assertThat(text(present(b.get(NS, "text")).value())).isEqualTo("{\"title\":\"héllo\\n\"}");
            assertThat(present(b.get(NS, "bin")).value()).containsExactly(binary);
            assertThat(present(b.get(NS, "ttl")).expiresAtMillis()).isGreaterThan(System.currentTimeMillis());
            assertThat(text(present(b.get(NS, "count")).value())).isEqualTo("42");
            assertThat(b.list(NS, GlobPattern.compile("tx*"), null, 10)).containsExactly("tx1", "tx2");
            assertThat(b.exists(NS, "top")).isFalse();
            assertThat(b.count(OTHER, GlobPattern.compile("*"))).isZero();
            assertThat(b.set(NS, "new", utf8("x"), 0)).isGreaterThan(maxVersion);
        }
    }

    @Test
    void journalIsHumanReadableJsonLines() throws IOException {
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            b.set(NS, "greeting", utf8("\"hello\""), 0);
            b.set(NS, "raw", new byte[] {(byte) 0xfe, 1}, 0);
            b.delete(NS, "greeting");
            b.clear(NS);
        }
        List<String> lines = Files.readAllLines(dir.resolve(FileNames.journal(1)));
        assertThat(lines)
                .containsExactly(
                        Backends.withCrc("{\"format\":2,\"journal\":1"),
                        Backends.withCrc(
                                "{\"op\":\"set\",\"ns\":\"notes\",\"key\":\"greeting\",\"value\":\"\\\"hello\\\"\",\"version\":1"),
                        Backends.withCrc(
                                "{\"op\":\"set\",\"ns\":\"notes\",\"key\":\"raw\",\"valueBase64\":\"/gE=\",\"version\":2"),
                        Backends.withCrc("{\"op\":\"delete\",\"ns\":\"notes\",\"key\":\"greeting\""),
                        Backends.withCrc("{\"op\":\"clear\",\"ns\":\"notes\""));
    }

    @Test
    void compactionWritesSnapshotsDropsOldJournalsAndKeepsTheVersionSequence() throws IOException {
        long deletedVersion;
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            for (int i = 0; i < 50; i++) {
                b.set(NS, "k" + i, utf8("v" + i), 0);
            }
            b.set(OTHER, "x", utf8("y"), 0);
            deletedVersion = b.set(OTHER, "top", utf8("y"), 0);
            b.delete(OTHER, "top");
            b.compactNow();
            b.set(NS, "after", utf8("compaction"), 0);
            b.delete(NS, "k0");
        }
        assertThat(Files.exists(dir.resolve(FileNames.journal(1)))).isFalse();
        assertThat(Files.exists(dir.resolve(FileNames.MANIFEST))).isTrue();
        String snapshot = Files.readString(dir.resolve(FileNames.snapshot("notes", 1)));
        assertThat(snapshot)
                .startsWith("{\n  \"format\": 2,\n  \"namespace\": \"notes\",\n  \"entries\": [\n    "
                        + Backends.withCrc("{\"key\":\"k0\",\"value\":\"v0\",\"version\":1") + ",\n")
                .endsWith("  ],\n  \"count\": 50\n}\n");
        assertThat(snapshot.lines().count()).isEqualTo(50 + 7);
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            assertThat(b.count(NS, GlobPattern.compile("k*"))).isEqualTo(49);
            assertThat(text(present(b.get(NS, "after")).value())).isEqualTo("compaction");
            assertThat(text(present(b.get(OTHER, "x")).value())).isEqualTo("y");
            assertThat(b.set(OTHER, "top", utf8("again"), 0)).isGreaterThan(deletedVersion);
            b.clear(OTHER);
            b.compactNow();
        }
        assertThat(listNames()).noneMatch(n -> n.startsWith(FileNames.namespaceStem("other")));
        assertThat(listNames()).contains(FileNames.snapshot("notes", 2)).doesNotContain(FileNames.snapshot("notes", 1));
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            assertThat(b.count(OTHER, GlobPattern.compile("*"))).isZero();
            assertThat(b.count(NS, GlobPattern.compile("*"))).isEqualTo(50);
        }
    }

    @Test
    void aFailedCompactionKeepsTheJournalsAndIsRetried() throws IOException {
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            b.set(NS, "a", utf8("1"), 0);
            b.set(OTHER, "x", utf8("y"), 0);
            // A folder where the snapshot's temp file must go makes writing the snapshot fail.
            Path blocker = dir.resolve(FileNames.snapshot("notes", 1) + FileNames.TEMP_SUFFIX);
            Files.createDirectory(blocker);
            Files.writeString(blocker.resolve("keep"), "x");
            b.compactNow();
            assertThat(Manifest.read(dir.resolve(FileNames.MANIFEST)).generation())
                    .as("still the first")
                    .isZero();
            assertThat(dir.resolve(FileNames.journal(1))).exists();
            b.set(NS, "b", utf8("2"), 0);
            Files.delete(blocker.resolve("keep"));
            Files.delete(blocker);
            b.compactNow();
            b.set(NS, "c", utf8("3"), 0);
        }
        assertThat(Manifest.read(dir.resolve(FileNames.MANIFEST)).namespaces()).containsOnlyKeys("notes", "other");
        assertThat(listNames())
                .filteredOn(n -> FileNames.journalSequence(n) >= 0)
                .containsExactly(FileNames.journal(3));
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            assertThat(b.list(NS, GlobPattern.compile("*"), null, 10)).containsExactly("a", "b", "c");
            assertThat(b.exists(OTHER, "x")).isTrue();
        }
    }

    @Test
    void compactionStartsInTheBackgroundPastTheThreshold() throws Exception {
        JsonFileSettings s = Backends.settings(dir);
        JsonFileSettings small =
                new JsonFileSettings(dir, Durability.BATCHED, s.flushInterval(), 2_000, 0, s.sweepInterval());
        try (JsonFileStorageBackend b = Backends.open(small, ChangeListener.NONE)) {
            for (int i = 0; i < 500; i++) {
                b.set(NS, "key" + (i % 40), utf8("value number " + i), 0);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!Files.exists(dir.resolve(FileNames.MANIFEST)) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
        assertThat(dir.resolve(FileNames.MANIFEST)).exists();
        assertThat(listNames().stream()
                        .filter(n -> FileNames.journalSequence(n) >= 0)
                        .count())
                .isLessThan(10);
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            assertThat(b.count(NS, GlobPattern.compile("*"))).isEqualTo(40);
            assertThat(text(present(b.get(NS, "key19")).value())).isEqualTo("value number 499");
        }
    }

    @Test
    void tornLastLineIsSetAsideAndIgnored() throws IOException {
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            b.set(NS, "a", utf8("1"), 0);
            b.set(NS, "b", utf8("2"), 0);
        }
        Path journal = dir.resolve(FileNames.journal(1));
        String torn = "{\"op\":\"set\",\"ns\":\"notes\",\"key\":\"c\",\"val";
        Files.writeString(journal, torn, StandardOpenOption.APPEND);
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            assertThat(text(present(b.get(NS, "a")).value())).isEqualTo("1");
            assertThat(text(present(b.get(NS, "b")).value())).isEqualTo("2");
            assertThat(b.exists(NS, "c")).isFalse();
            b.set(NS, "d", utf8("4"), 0);
        }
        List<String> aside = listNames().stream()
                .filter(n -> n.startsWith(FileNames.journal(1) + ".torn-"))
                .toList();
        assertThat(aside).hasSize(1);
        assertThat(Files.readString(dir.resolve(aside.get(0)))).isEqualTo(torn);
        assertThat(Files.readAllLines(journal)).hasSize(4).element(0).asString().startsWith("{\"format\":2,");
        assertThat(Files.readAllLines(journal).subList(1, 4)).allMatch(l -> l.startsWith("{\"op\":\"set\""));
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            assertThat(b.count(NS, GlobPattern.compile("*"))).isEqualTo(3);
        }
    }

    @Test
    void completeLastLineWithoutNewlineIsKept() throws IOException {
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            b.set(NS, "a", utf8("1"), 0);
        }
        Path journal = dir.resolve(FileNames.journal(1));
        Files.writeString(
                journal,
                Backends.withCrc("{\"op\":\"set\",\"ns\":\"notes\",\"key\":\"b\",\"value\":\"2\",\"version\":7"),
                StandardOpenOption.APPEND);
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            assertThat(present(b.get(NS, "b")).version()).isEqualTo(7);
            assertThat(b.set(NS, "c", utf8("3"), 0)).isEqualTo(8);
        }
        assertThat(Files.readAllLines(journal)).hasSize(4);
    }

    @Test
    void invalidJsonInTheMiddleFailsWithFileAndLineAndChangesNothing() throws IOException {
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            b.set(NS, "a", utf8("1"), 0);
            b.set(NS, "b", utf8("2"), 0);
            b.set(NS, "c", utf8("3"), 0);
        }
        Path journal = dir.resolve(FileNames.journal(1));
        List<String> lines = Files.readAllLines(journal); // the header, then a, b, c
        Files.write(journal, List.of(lines.get(0), lines.get(1), "{\"op\":\"set\",,}", lines.get(3)));
        Map<String, String> before = snapshotOfFolder();
        assertThatThrownBy(() -> Backends.open(dir, ChangeListener.NONE))
                .isInstanceOf(CorruptDataFileException.class)
                .hasMessageContaining(journal.toString())
                .hasMessageContaining("line 3")
                .satisfies(
                        e -> assertThat(((CorruptDataFileException) e).line()).isEqualTo(3));
        assertThat(snapshotOfFolder()).isEqualTo(before);
        // Checksummed but invalid JSON, and a valid checksum over an invalid record: damage all the same.
        Files.write(
                journal,
                List.of(lines.get(0), lines.get(1), Backends.withCrc("{\"op\":\"set\",,\"x\":1"), lines.get(3)));
        assertThatThrownBy(() -> Backends.open(dir, ChangeListener.NONE))
                .isInstanceOf(CorruptDataFileException.class)
                .hasMessageContaining("line 3")
                .hasMessageContaining("invalid JSON");
        // A damaged last line that does end with a newline was written whole: it is an edit, not a tear.
        Files.write(
                journal,
                List.of(
                        lines.get(0),
                        lines.get(1),
                        lines.get(2),
                        Backends.withCrc("{\"op\":\"frobnicate\",\"ns\":\"notes\"")));
        assertThatThrownBy(() -> Backends.open(dir, ChangeListener.NONE))
                .isInstanceOf(CorruptDataFileException.class)
                .hasMessageContaining("line 4")
                .hasMessageContaining("frobnicate");
        Files.write(journal, List.of(lines.get(0), lines.get(1), lines.get(2)));
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            assertThat(b.count(NS, GlobPattern.compile("*"))).isEqualTo(2);
        }
    }

    @Test
    void invalidSnapshotFailsWithFileAndLine() throws IOException {
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            b.set(NS, "a", utf8("1"), 0);
            b.set(NS, "b", utf8("2"), 0);
            b.compactNow();
        }
        Path snapshot = dir.resolve(FileNames.snapshot("notes", 1));
        List<String> lines = Files.readAllLines(snapshot);
        lines.set(5, "    " + Backends.withCrc("{\"key\":\"b\",\"value\":\"2\",\"version\":\"two\""));
        Files.write(snapshot, lines);
        Map<String, String> before = snapshotOfFolder();
        assertThatThrownBy(() -> Backends.open(dir, ChangeListener.NONE))
                .isInstanceOf(CorruptDataFileException.class)
                .hasMessageContaining(snapshot.toString())
                .hasMessageContaining("line 6")
                .hasMessageContaining("version");
        assertThat(snapshotOfFolder()).isEqualTo(before);
        lines.set(5, "    " + Backends.withCrc("{\"key\":\"b\",\"value\":\"2\",,\"version\":2"));
        Files.write(snapshot, lines);
        before = snapshotOfFolder();
        assertThatThrownBy(() -> Backends.open(dir, ChangeListener.NONE))
                .isInstanceOf(CorruptDataFileException.class)
                .hasMessageContaining(snapshot.toString())
                .hasMessageContaining("invalid JSON");
        assertThat(snapshotOfFolder()).isEqualTo(before);
    }

    @Test
    void manifestCannotPointOutsideTheFolder() throws IOException {
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            b.set(NS, "a", utf8("1"), 0);
            b.compactNow();
        }
        Path manifest = dir.resolve(FileNames.MANIFEST);
        // Checksummed again, as an operator editing it would: the names are checked for themselves.
        String text = Backends.rechecksumManifest(
                Files.readString(manifest).replace(FileNames.snapshot("notes", 1), "../../etc/passwd"));
        Files.writeString(manifest, text);
        assertThatThrownBy(() -> Backends.open(dir, ChangeListener.NONE))
                .isInstanceOf(CorruptDataFileException.class)
                .hasMessageContaining(manifest.toString())
                .hasMessageContaining("../../etc/passwd");
        Files.writeString(
                manifest,
                Backends.rechecksumManifest(text.replace("../../etc/passwd", FileNames.snapshot("notes", 1))
                        .replace("\"notes\"", "\"Bad Namespace\"")));
        assertThatThrownBy(() -> Backends.open(dir, ChangeListener.NONE))
                .isInstanceOf(CorruptDataFileException.class)
                .hasMessageContaining(manifest.toString())
                .hasMessageContaining("Bad Namespace");
    }

    @Test
    void secondOwnerIsRefusedUntilTheFirstCloses() {
        JsonFileStorageBackend first = Backends.open(dir, ChangeListener.NONE);
        try {
            first.set(NS, "a", utf8("1"), 0);
            assertThatThrownBy(() -> Backends.open(dir, ChangeListener.NONE))
                    .isInstanceOf(FolderInUseException.class)
                    .hasMessageContaining(dir.toAbsolutePath().normalize().toString())
                    .hasMessageContaining("pid=" + ProcessHandle.current().pid())
                    .satisfies(e -> assertThat(((FolderInUseException) e).folder())
                            .isEqualTo(dir.toAbsolutePath().normalize()));
            assertThat(text(present(first.get(NS, "a")).value())).isEqualTo("1");
        } finally {
            first.close();
        }
        try (JsonFileStorageBackend second = Backends.open(dir, ChangeListener.NONE)) {
            assertThat(second.exists(NS, "a")).isTrue();
        }
    }

    @Test
    void batchedWritesSurviveACleanClose() {
        JsonFileSettings s = Backends.settings(dir);
        JsonFileSettings batched = new JsonFileSettings(
                dir, Durability.BATCHED, Duration.ofMillis(5), s.compactionThreshold(), 0, s.sweepInterval());
        try (JsonFileStorageBackend b = Backends.open(batched, ChangeListener.NONE)) {
            for (int i = 0; i < 100; i++) {
                b.set(NS, "k" + i, utf8("v"), 0);
            }
        }
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            assertThat(b.count(NS, GlobPattern.compile("*"))).isEqualTo(100);
        }
    }

    @Test
    void expiredKeysAreNotLoadedBack() throws InterruptedException {
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            b.set(NS, "short", utf8("x"), 1);
            b.set(NS, "long", utf8("x"), 3_600_000);
        }
        Thread.sleep(5);
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            List<String> keys = b.list(NS, GlobPattern.compile("*"), null, 10);
            assertThat(keys).containsExactly("long");
            BackendEntry e = present(b.get(NS, "long"));
            assertThat(e.expiresAtMillis()).isNotEqualTo(StorageBackend.NO_EXPIRY);
        }
    }

    private List<String> listNames() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Every data file's content; the lock file is excluded: each opener records itself there. */
    private Map<String, String> snapshotOfFolder() throws IOException {
        Map<String, String> out = new TreeMap<>();
        for (String name : listNames()) {
            if (name.equals(FolderLock.FILE_NAME)) {
                continue;
            }
            out.put(name, new String(Files.readAllBytes(dir.resolve(name)), StandardCharsets.ISO_8859_1));
        }
        return out;
    }
}
