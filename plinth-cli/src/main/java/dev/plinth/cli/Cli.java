package dev.plinth.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** Helpers shared by the commands. */
final class Cli {
    private Cli() {}

    /** @return the root command picocli injected; it always does before {@code call()} */
    static PlinthCli root(@Nullable PlinthCli root) {
        if (root == null) {
            throw new IllegalStateException("a plinth subcommand runs only under the plinth command");
        }
        return root;
    }

    /**
     * @return whether standard input and output are a terminal (a person is watching), so progress is worth
     *     printing; {@code false} when either is redirected
     */
    // Java 17's System.console() is null exactly when not both are a terminal; on Java 22+, where it is never
    // null, Console.isTerminal() (looked up reflectively, as this compiles for 17) says the same.
    @SuppressWarnings("SystemConsoleNull")
    static boolean interactive() {
        java.io.Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException olderJdk) {
            return true;
        }
    }

    /**
     * @param flag {@code --progress} ({@code true}) or {@code --no-progress} ({@code false}), {@code null} when
     *     neither was given
     * @param err the standard error the command writes to
     * @return whether to draw a progress bar: as the flag says, else only when {@code err} is this process's
     *     standard error and that is a terminal (so {@code plinth export > backup.jsonl} shows it and
     *     {@code plinth export 2> log} does not)
     */
    static boolean showProgress(@Nullable Boolean flag, PrintStream err) {
        if (flag != null) {
            return flag;
        }
        return err == System.err && stderrIsTerminal();
    }

    /**
     * @return whether file descriptor 2 is a terminal: where {@code /proc} says (Linux), by the device it
     *     names; elsewhere, {@link #interactive()} is the nearest the JDK can tell
     */
    static boolean stderrIsTerminal() {
        Path fd = Path.of("/proc/self/fd/2");
        try {
            if (Files.exists(fd, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return isTerminalDevice(Files.readSymbolicLink(fd).toString());
            }
        } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
            // fall through to the console
        }
        return interactive();
    }

    /** @return whether {@code device} (where a file descriptor points) names a terminal */
    static boolean isTerminalDevice(String device) {
        return device.startsWith("/dev/pts/") || device.startsWith("/dev/tty") || device.equals("/dev/console");
    }
}
