package dev.plinth.cli;

import java.io.PrintStream;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** The {@code --progress} / {@code --no-progress} option the bulk commands (export, import, migrate) share. */
final class ProgressOption {
    @Option(
            names = "--progress",
            negatable = true,
            description = "a progress bar on standard error (migrate: and a line per finished scope); default:"
                    + " only when standard error is a terminal")
    @Nullable
    Boolean progress;

    /** @return whether to show progress on {@code err}: as the option says, else when it is a terminal */
    boolean show(PrintStream err) {
        return Cli.showProgress(progress, err);
    }
}
