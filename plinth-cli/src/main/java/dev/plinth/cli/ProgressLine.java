package dev.plinth.cli;

import dev.plinth.core.admin.BulkProgress;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A progress bar on one line of standard error, redrawn in place with a carriage return: phase, keys done of
 * the total, a bar and percentage, keys per second and an ETA. Redraws at most every {@link #REDRAW_NANOS},
 * decided on each update (no thread of its own); a new phase ends the previous phase's line, {@link #close()}
 * the last one. Written for {@code plinth}'s bulk commands: standard output stays the data's alone.
 * Thread-safe (a migration reports its copy and its verification from different threads).
 */
final class ProgressLine implements BulkProgress, AutoCloseable {
    /** 200 ms: smooth enough to watch, rare enough to cost nothing against a page of a thousand keys. */
    static final long REDRAW_NANOS = 200_000_000L;

    private static final int BAR = 24;

    /** {@code null} when off. */
    private final @Nullable PrintStream err;

    private final LongSupplier nanos;
    private final @Nullable DoubleSupplier fraction;

    private @Nullable String phase;
    private long phaseStart;
    private long lastDraw;
    private long done;
    private long total;
    private int drawnWidth;

    /**
     * @param err where the line is drawn; {@code null} for a bar that is off
     * @param nanos the clock ({@link System#nanoTime} but in tests)
     * @param fraction how much of the input is read (0 to 1), for an ETA when the total is not known (an import
     *     of a file: its bytes read); {@code null} for none
     */
    ProgressLine(@Nullable PrintStream err, LongSupplier nanos, @Nullable DoubleSupplier fraction) {
        this.err = err;
        this.nanos = nanos;
        this.fraction = fraction;
    }

    /** @return a bar drawing on {@code err} when {@code on}, else one that ignores every update */
    static ProgressLine of(boolean on, PrintStream err, @Nullable DoubleSupplier fraction) {
        return new ProgressLine(on ? err : null, System::nanoTime, fraction);
    }

    @Override
    public synchronized void update(String phase, long done, long total) {
        if (err == null) {
            return;
        }
        long now = nanos.getAsLong();
        if (!phase.equals(this.phase)) {
            endLine();
            this.phase = phase;
            this.phaseStart = now;
            this.lastDraw = now - REDRAW_NANOS; // the first update of a phase draws at once
        }
        this.done = done;
        this.total = total;
        if (now - lastDraw >= REDRAW_NANOS) {
            lastDraw = now;
            draw(now);
        }
    }

    /**
     * Prints {@code text} as a line of its own over the bar (which the next update draws again below it).
     *
     * @param text one line, without its line end
     */
    synchronized void message(String text) {
        PrintStream err = this.err;
        if (err == null) {
            return;
        }
        StringBuilder b =
                new StringBuilder(text.length() + drawnWidth + 2).append('\r').append(text);
        for (int i = text.length(); i < drawnWidth; i++) {
            b.append(' ');
        }
        err.print(b.append('\n'));
        err.flush();
        drawnWidth = 0;
        lastDraw = nanos.getAsLong() - REDRAW_NANOS;
    }

    /** Draws the final state of the current phase and ends its line, before the command's last words. Idempotent. */
    synchronized void finish() {
        endLine();
        phase = null;
    }

    /** {@link #finish()}, for a bar a command ends by leaving its try block (also on failure). */
    @Override
    public void close() {
        finish();
    }

    private void endLine() {
        PrintStream err = this.err;
        if (err != null && phase != null) {
            draw(nanos.getAsLong());
            err.print('\n');
            err.flush();
            drawnWidth = 0;
        }
    }

    private void draw(long now) {
        String text = render(phase, done, total, fractionDone(), (now - phaseStart) / 1e9);
        StringBuilder b = new StringBuilder(text.length() + 8).append('\r').append(text);
        for (int i = text.length(); i < drawnWidth; i++) {
            b.append(' '); // wipe what a longer previous line left
        }
        drawnWidth = text.length();
        PrintStream err = this.err;
        if (err != null) {
            err.print(b);
            err.flush();
        }
    }

    private double fractionDone() {
        if (total > 0) {
            return Math.min(1.0, (double) done / total);
        }
        return fraction == null ? -1 : Math.max(0, Math.min(1.0, fraction.getAsDouble()));
    }

    /**
     * @param f the part done (0 to 1), or negative when not known
     * @param seconds time since the phase started
     * @return e.g. {@code plinth: copy [#########.....]  41%  412,000/1,000,000 keys  95,310 keys/s  ETA 0:06}
     */
    static String render(@Nullable String phase, long done, long total, double f, double seconds) {
        StringBuilder b =
                new StringBuilder(100).append("plinth: ").append(phase).append(' ');
        if (f >= 0) {
            int filled = (int) Math.round(f * BAR);
            b.append('[')
                    .append("#".repeat(filled))
                    .append(".".repeat(BAR - filled))
                    .append("] ")
                    .append(String.format(Locale.ROOT, "%3d%%  ", (int) Math.floor(f * 100)));
        }
        b.append(String.format(Locale.ROOT, "%,d", done));
        if (total >= 0) {
            b.append(String.format(Locale.ROOT, "/%,d", total));
        }
        b.append(" keys");
        if (seconds > 0) {
            b.append(String.format(Locale.ROOT, "  %,.0f keys/s", done / seconds));
        }
        if (f > 0 && f < 1 && seconds > 0) {
            b.append("  ETA ").append(clock(seconds * (1 - f) / f));
        } else if (f >= 1) {
            b.append("  in ").append(clock(seconds));
        }
        return b.toString();
    }

    /** @return {@code m:ss}, or {@code h:mm:ss} from an hour */
    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
