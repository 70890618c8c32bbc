package dev.plinth.cli;

/**
 * The exit codes of {@code plinth}, which scripts may rely on. Documented in {@code docs/cli.md}.
 */
public final class ExitCodes {
    /** The command did what it was asked. */
    public static final int OK = 0;
    /**
     * The command failed: storage unreachable or failing, a bad export line, an import conflict, a migration
     * that did not verify.
     */
    public static final int FAILED = 1;
    /** Bad arguments or bad configuration (an unknown option or key, a value that does not parse). */
    public static final int USAGE = 2;
    /** {@code plinth check} found damage (or could not open the storage it was to check). */
    public static final int DAMAGED = 3;
    /** {@code get} or {@code ttl} of a key that is absent or expired. */
    public static final int NOT_FOUND = 4;
    /** A destructive command was not confirmed (answered no, or no terminal and no {@code --yes}). */
    public static final int NOT_CONFIRMED = 5;

    private ExitCodes() {}
}
