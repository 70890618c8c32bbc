package dev.plinth.cli;

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
}
