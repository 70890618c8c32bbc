package dev.plinth.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BenchReportTest {

    @Test
    void regeneratingKeepsTheHandRunSectionsAndReplacesTheGeneratedPart() {
        String previous = "# Benchmarks\n\n## Memory\n\nold table\n\n"
                + BenchReport.HAND_RUN_MARKER
                + "\n\n## Near cache (issue 18)\n\nhand figures\n";

        String next = BenchReport.withHandRunSections("# Benchmarks\n\n## Memory\n\nnew table\n\n\n", previous);

        assertThat(next)
                .contains("new table")
                .doesNotContain("old table")
                .endsWith(BenchReport.HAND_RUN_MARKER + "\n\n## Near cache (issue 18)\n\nhand figures\n");
    }

    @Test
    void aFirstReportGetsTheMarkerSoTheNextRegenerationKeepsWhatIsAddedBelowIt() {
        String first = BenchReport.withHandRunSections("# Benchmarks\n", "");
        String edited = first + "\n## By hand\n\nfigure\n";

        String next = BenchReport.withHandRunSections("# Benchmarks\n\nregenerated\n", edited);

        assertThat(first).endsWith(BenchReport.HAND_RUN_MARKER + "\n");
        assertThat(next).contains("regenerated").endsWith("## By hand\n\nfigure\n");
    }

    @Test
    void thePublishedReportHasTheMarkerAboveEveryHandRunSection() throws IOException {
        String published = Files.readString(Path.of("../docs/benchmarks.md"), StandardCharsets.UTF_8);
        int marker = published.indexOf(BenchReport.HAND_RUN_MARKER);

        assertThat(marker).as("hand-run marker in docs/benchmarks.md").isPositive();
        // Every section headed with an issue number and a date was run by hand; it must sit below the marker.
        assertThat(published.substring(0, marker)).doesNotContainPattern("(?m)^## .*\\(issue \\d+, 20\\d\\d-");
    }
}
