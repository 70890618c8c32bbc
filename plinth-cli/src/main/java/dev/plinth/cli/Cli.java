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
}
