package dev.plinth.provider.jsonfile.internal;

import static dev.plinth.provider.jsonfile.internal.Backends.present;
import static dev.plinth.provider.jsonfile.internal.Backends.text;
import static dev.plinth.provider.jsonfile.internal.Backends.utf8;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Folders written by the previous format (1: no checksums, no journal header, as written at bc06308; the
 * files under {@code src/test/resources/format1} were written by that code) open with all their data and
 * are rewritten in format 2 before the open returns: read old, write new.
 */
class FormatUpgradeTest {
    private static final Namespace NOTES = Namespace.of("notes");

    @TempDir
    Path dir;

    private void copy(String folder) throws IOException, URISyntaxException {
        Path from = Path.of(getClass().getResource("/format1/" + folder).toURI());
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
    }

    @Test
    void aCompactedFormat1FolderOpensWithAllItsDataAndIsRewrittenInFormat2() throws Exception {
        copy("compacted");
        Map<String, String> loaded;
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            loaded = dump(b);
            assertThat(b.list(NOTES, GlobPattern.compile("k*"), null, 100))
                    .hasSize(18)
                    .doesNotContain("k0", "k1");
            assertThat(text(present(b.get(NOTES, "count")).value())).isEqualTo("42");
            assertThat(present(b.get(NOTES, "count")).version()).isEqualTo(26);
            assertThat(present(b.get(NOTES, "bin")).value()).containsExactly(0xff, 0, 1);
            assertThat(present(b.get(NOTES, "ttl")).expiresAtMillis()).isEqualTo(4949773962762L);
            assertThat(text(present(b.get(NOTES, "tx1")).value())).isEqualTo("a");
            assertThat(text(present(b.get(NOTES, "last")).value())).isEqualTo("after compaction");
            assertThat(b.count(Namespace.of("other"), GlobPattern.compile("*"))).isZero();
            assertThat(text(present(b.get(NOTES.child("archive"), "deep")).value()))
                    .isEqualTo("\"d\"");
            assertThat(b.set(NOTES, "new", utf8("x"), 0))
                    .as("versions go on growing")
                    .isEqualTo(29);
        }
        assertThat(Files.readString(dir.resolve(FileNames.MANIFEST)))
                .contains("\"format\" : 2")
                .contains("\"crc\"");
        assertThat(names())
                .noneMatch(n -> n.endsWith(".g1.json"))
                .doesNotContain(FileNames.journal(2))
                .contains(FileNames.journal(3), FileNames.snapshot("notes", 2), FileNames.snapshot("notes/archive", 2));
        assertThat(Files.readString(dir.resolve(FileNames.snapshot("notes", 2))))
                .contains("\"format\": 2")
                .contains("\"crc\":");
        assertThat(Files.readAllLines(dir.resolve(FileNames.journal(3))).get(0)).startsWith("{\"format\":2,");
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            Map<String, String> again = dump(b);
            again.remove("notes new");
            assertThat(again).isEqualTo(loaded);
        }
    }

    @Test
    void aFormat1JournalWithATornLastLineOpensAndIsRewritten() throws Exception {
        copy("journal-only");
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            assertThat(b.list(NOTES, GlobPattern.compile("*"), null, 10)).containsExactly("b", "c");
            assertThat(present(b.get(NOTES, "c")).version()).isEqualTo(3);
            assertThat(b.set(NOTES, "d", utf8("4"), 0)).isEqualTo(4);
        }
        assertThat(names())
                .anyMatch(n -> n.startsWith(FileNames.journal(1) + ".torn-"))
                .contains(FileNames.MANIFEST)
                .doesNotContain(FileNames.journal(1));
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            assertThat(b.list(NOTES, GlobPattern.compile("*"), null, 10)).containsExactly("b", "c", "d");
        }
    }

    @Test
    void aFormat1FolderOpenedButNeverWrittenOpensEmpty() throws IOException {
        // Format 1 had no header, so its empty journal cannot tell "never written" from "emptied".
        Files.write(dir.resolve(FileNames.journal(1)), new byte[0]);
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            assertThat(b.count(NOTES, GlobPattern.compile("*"))).isZero();
            b.set(NOTES, "a", utf8("1"), 0);
        }
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            assertThat(b.exists(NOTES, "a")).isTrue();
        }
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static Map<String, String> dump(JsonFileStorageBackend b) {
        Map<String, String> out = new TreeMap<>();
        for (Namespace ns : List.of(NOTES, Namespace.of("other"), NOTES.child("archive"))) {
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
