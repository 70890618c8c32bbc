package dev.plinth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressLineTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    private String drawn() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void drawsTheFirstUpdateAtOnceThenAtMostEveryRedrawInterval() {
        ProgressLine bar = new ProgressLine(err, clock::get, null);
        bar.update("copy", 1000, 10_000);
        assertThat(drawn()).startsWith("\rplinth: copy [").contains("10%", "1,000/10,000 keys");
        int after = drawn().length();
        clock.addAndGet(ProgressLine.REDRAW_NANOS / 2);
        bar.update("copy", 2000, 10_000);
        assertThat(drawn()).hasSize(after);
        clock.addAndGet(ProgressLine.REDRAW_NANOS / 2);
        bar.update("copy", 3000, 10_000);
        assertThat(drawn().substring(after)).startsWith("\rplinth: copy").contains("30%", "3,000/10,000 keys");
        assertThat(drawn()).doesNotContain("\n");
    }

    @Test
    void aNewPhaseEndsThePreviousLineAndCloseEndsTheLast() {
        ProgressLine bar = new ProgressLine(err, clock::get, null);
        bar.update("copy", 10, 20);
        clock.addAndGet(1_000_000_000L);
        bar.update("copy", 20, 20);
        bar.update("verify", 5, 20);
        bar.close();
        bar.close();
        String[] lines = drawn().split("\n", -1);
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).contains("plinth: copy", "100%", "20/20 keys", "in 0:01");
        assertThat(lines[1]).contains("plinth: verify", "25%");
        assertThat(lines[2]).isEmpty();
    }

    @Test
    void rateAndEtaFollowTheClock() {
        ProgressLine bar = new ProgressLine(err, clock::get, null);
        bar.update("export", 0, 1_000_000);
        clock.addAndGet(10_000_000_000L);
        bar.update("export", 250_000, 1_000_000);
        assertThat(drawn()).contains("25%", "25,000 keys/s", "ETA 0:30");
    }

    @Test
    void withoutATotalTheFractionOfTheInputGivesTheEta() {
        double[] read = {0.5};
        ProgressLine bar = new ProgressLine(err, clock::get, () -> read[0]);
        bar.update("import", 0, -1);
        clock.addAndGet(4_000_000_000L);
        bar.update("import", 800, -1);
        assertThat(drawn())
                .contains("50%", "800 keys", "200 keys/s", "ETA 0:04")
                // No "done/total": without a total only the input's fraction is known.
                .doesNotContainPattern("\\d/\\d");
    }

    @Test
    void withNeitherTotalNorFractionItCountsOnly() {
        assertThat(ProgressLine.render("import", 1234, -1, -1, 2.0)).isEqualTo("plinth: import 1,234 keys  617 keys/s");
    }

    @Test
    void aMessageTakesALineOfItsOwnAndTheBarComesBackBelowIt() {
        ProgressLine bar = new ProgressLine(err, clock::get, null);
        bar.update("copy", 1, 10);
        bar.message("plinth: scope a: copied 1");
        bar.update("copy", 2, 10);
        String[] lines = drawn().split("\n", -1);
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).contains("\rplinth: scope a: copied 1");
        assertThat(lines[1]).contains("20%");
    }

    @Test
    void aShorterLineWipesWhatTheLongerOneLeft() {
        ProgressLine bar = new ProgressLine(err, clock::get, null);
        bar.update("copy", 1_000_000, 10_000_000);
        int width = drawn().length() - 1;
        bar.message("x");
        assertThat(drawn().substring(width + 1)).isEqualTo("\rx" + " ".repeat(width - 1) + "\n");
    }

    @Test
    void offDrawsNothing() {
        ProgressLine bar = new ProgressLine(null, clock::get, null);
        bar.update("copy", 1, 10);
        bar.message("plinth: scope a");
        bar.close();
        assertThat(drawn()).isEmpty();
    }

    @Test
    void clockFormat() {
        assertThat(ProgressLine.clock(5)).isEqualTo("0:05");
        assertThat(ProgressLine.clock(754)).isEqualTo("12:34");
        assertThat(ProgressLine.clock(3723)).isEqualTo("1:02:03");
    }

    @Test
    void terminalDevicesAreToldFromFilesAndPipes() {
        assertThat(Cli.isTerminalDevice("/dev/pts/3")).isTrue();
        assertThat(Cli.isTerminalDevice("/dev/tty1")).isTrue();
        assertThat(Cli.isTerminalDevice("pipe:[12345]")).isFalse();
        assertThat(Cli.isTerminalDevice("/tmp/log")).isFalse();
        assertThat(Cli.isTerminalDevice("/dev/null")).isFalse();
    }
}
