package dev.plinth.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.cli.Stores.Kind;
import dev.plinth.core.admin.ExportFormatException;
import dev.plinth.core.admin.ImportConflictException;
import dev.plinth.core.admin.ImportOptions;
import dev.plinth.core.admin.ImportReport;
import dev.plinth.core.admin.OnConflict;
import dev.plinth.core.admin.StorageAdmin;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged exports give a clear error naming the line; the lines before it are imported, none after it, and
 * what the target held before is untouched. Runs on SQLite, the embedded default.
 */
class ImportErrorsTest {
    private static final String HEADER =
            "{\"format\":\"plinth-export\",\"version\":1,\"provider\":\"sqlite\",\"exportedAt\":\"2026-12-02T00:00:00Z\"}";

    @TempDir
    Path dir;

    private StorageAdmin target;

    @BeforeEach
    void open() {
        target = Stores.open(Kind.SQLITE, Stores.options(Kind.SQLITE, dir));
        target.set("alpha", "before", Stores.utf8("kept"), null);
    }

    @AfterEach
    void close() {
        target.close();
    }

    private static String entry(String scope, String key, String value) {
        return "{\"scope\":\"" + scope + "\",\"key\":\"" + key + "\",\"encoding\":\"utf8\",\"value\":\"" + value
                + "\",\"version\":1,\"expiresAt\":0}";
    }

    private static ByteArrayInputStream file(String... lines) {
        return new ByteArrayInputStream((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private void assertUntouchedAndOnly(String... imported) {
        assertThat(target.get("alpha", "before").orElseThrow().valueAsString()).isEqualTo("kept");
        List<String> expected = new ArrayList<>(List.of(imported));
        expected.add("before");
        assertThat(target.keys("alpha", "*", 100)).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void aTruncatedLineStopsTheImportThereWithItsLineNumber() {
        String cut = entry("alpha", "c", "3").substring(0, 30);
        assertThatThrownBy(() -> target.importFrom(
                        file(HEADER, entry("alpha", "a", "1"), entry("alpha", "b", "2"), cut, entry("alpha", "d", "4")),
                        ImportOptions.defaults()))
                .isInstanceOf(ExportFormatException.class)
                .hasMessageStartingWith("line 4: not a JSON object")
                .extracting(e -> ((ExportFormatException) e).lineNumber())
                .isEqualTo(4L);
        assertUntouchedAndOnly("a", "b");
    }

    @Test
    void aFileCutAtALineEndIsReportedAsCutShort() {
        assertThatThrownBy(() -> target.importFrom(file(HEADER, entry("alpha", "a", "1")), ImportOptions.defaults()))
                .isInstanceOf(ExportFormatException.class)
                .hasMessageContaining("line 3:")
                .hasMessageContaining("cut short after line 2");
        assertUntouchedAndOnly("a");
    }

    @Test
    void badBase64NamesTheLine() {
        String bad = "{\"scope\":\"alpha\",\"key\":\"x\",\"encoding\":\"base64\",\"value\":\"@@not base64@@\","
                + "\"version\":1,\"expiresAt\":0}";
        assertThatThrownBy(() -> target.importFrom(
                        file(
                                HEADER,
                                entry("alpha", "a", "1"),
                                bad,
                                entry("alpha", "z", "9"),
                                "{\"end\":true,\"entries\":3}"),
                        ImportOptions.defaults()))
                .isInstanceOf(ExportFormatException.class)
                .hasMessageStartingWith("line 3: bad base64");
        assertUntouchedAndOnly("a");
    }

    @Test
    void aWrongFormatVersionIsRefusedAtLineOneBeforeAnythingIsWritten() {
        String v2 = HEADER.replace("\"version\":1", "\"version\":2");
        assertThatThrownBy(() -> target.importFrom(
                        file(v2, entry("alpha", "a", "1"), "{\"end\":true,\"entries\":1}"), ImportOptions.defaults()))
                .isInstanceOf(ExportFormatException.class)
                .hasMessageStartingWith("line 1: unsupported export format version 2");
        assertUntouchedAndOnly();
    }

    @Test
    void anUnknownProviderIsRefusedAtLineOne() {
        String other = HEADER.replace("\"sqlite\"", "\"cassandra\"");
        assertThatThrownBy(() -> target.importFrom(
                        file(other, entry("alpha", "a", "1"), "{\"end\":true,\"entries\":1}"),
                        ImportOptions.defaults()))
                .isInstanceOf(ExportFormatException.class)
                .hasMessageStartingWith("line 1: the export names an unknown storage provider 'cassandra'");
        assertUntouchedAndOnly();
    }

    @Test
    void notAnExportIsRefused() {
        assertThatThrownBy(() -> target.importFrom(file("{\"hello\":1}"), ImportOptions.defaults()))
                .isInstanceOf(ExportFormatException.class)
                .hasMessageStartingWith("line 1: not a Plinth export");
        assertThatThrownBy(() -> target.importFrom(new ByteArrayInputStream(new byte[0]), ImportOptions.defaults()))
                .hasMessageStartingWith("line 1: the file is empty");
    }

    @Test
    void keepGoingSkipsBadLinesAndReportsThem() {
        ImportReport r = target.importFrom(
                file(
                        HEADER,
                        entry("alpha", "a", "1"),
                        "not json",
                        "{\"scope\":\"Bad Scope!\",\"key\":\"k\",\"encoding\":\"utf8\",\"value\":\"v\",\"version\":1,\"expiresAt\":0}",
                        entry("alpha", "b", "2"),
                        "{\"end\":true,\"entries\":4}"),
                ImportOptions.defaults().withKeepGoing(true));
        assertThat(r.imported()).isEqualTo(2);
        assertThat(r.errorCount()).isEqualTo(2);
        assertThat(r.errors())
                .satisfiesExactly(
                        e -> assertThat(e).startsWith("line 3: not a JSON object"),
                        e -> assertThat(e).startsWith("line 4: invalid scope 'Bad Scope!'"));
        assertUntouchedAndOnly("a", "b");
    }

    @Test
    void expiredKeysAreSkipped() {
        String expired = "{\"scope\":\"alpha\",\"key\":\"gone\",\"encoding\":\"utf8\",\"value\":\"x\",\"version\":1,"
                + "\"expiresAt\":1000}";
        long inAnHour = System.currentTimeMillis() + 3_600_000;
        String live = "{\"scope\":\"alpha\",\"key\":\"later\",\"encoding\":\"utf8\",\"value\":\"x\",\"version\":1,"
                + "\"expiresAt\":" + inAnHour + "}";
        ImportReport r = target.importFrom(
                file(HEADER, expired, live, "{\"end\":true,\"entries\":2}"), ImportOptions.defaults());
        assertThat(r.skippedExpired()).isEqualTo(1);
        assertThat(r.imported()).isEqualTo(1);
        assertUntouchedAndOnly("later");
        long at = target.get("alpha", "later")
                .orElseThrow()
                .expiresAt()
                .orElseThrow()
                .toEpochMilli();
        assertThat(at).isBetween(inAnHour - 1000, inAnHour + 1000);
    }

    @Test
    void onConflictDecidesWhatHappensToKeysTheTargetHolds() {
        String[] lines = {
            HEADER,
            entry("alpha", "a", "new"),
            entry("alpha", "before", "new"),
            entry("alpha", "c", "new"),
            "{\"end\":true,\"entries\":3}"
        };

        assertThatThrownBy(() -> target.importFrom(file(lines), ImportOptions.defaults()))
                .isInstanceOf(ImportConflictException.class)
                .hasMessageStartingWith("line 3: key 'before' already exists in scope 'alpha'");
        assertUntouchedAndOnly("a"); // the line before the conflict, nothing from it on

        ImportReport skipped =
                target.importFrom(file(lines), ImportOptions.defaults().withOnConflict(OnConflict.SKIP));
        assertThat(skipped.skippedExisting()).isEqualTo(2); // a (from the failed run) and before
        assertThat(target.get("alpha", "before").orElseThrow().valueAsString()).isEqualTo("kept");

        ImportReport overwritten =
                target.importFrom(file(lines), ImportOptions.defaults().withOnConflict(OnConflict.OVERWRITE));
        assertThat(overwritten.imported()).isEqualTo(3);
        assertThat(target.get("alpha", "before").orElseThrow().valueAsString()).isEqualTo("new");
    }

    @Test
    void anExportOfTheTargetItselfReadsBackExactly() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        target.set("alpha/child", "bin", Stores.BINARY, null);
        target.exportTo(out, List.of());
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text.lines().findFirst().orElseThrow())
                .contains(
                        "\"format\":\"plinth-export\"", "\"version\":1", "\"provider\":\"sqlite\"", "\"exportedAt\":");
        assertThat(text)
                .contains("\"scope\":\"alpha/child\",\"key\":\"bin\",\"encoding\":\"base64\",\"value\":\"AP/+f8Mo\"");
        assertThat(text.lines().reduce((a, b) -> b).orElseThrow()).isEqualTo("{\"end\":true,\"entries\":2}");
        Map<String, Long> scopes = target.scopes();
        assertThat(scopes).containsEntry("alpha", 1L).containsEntry("alpha/child", 1L);
    }
}
