package dev.plinth.provider.sqlite;

import dev.plinth.api.storage.StorageOpenException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The file at {@code plinth.storage.sqlite.path} is not a complete SQLite database that Plinth can trust,
 * so the backend refused to open it: the file is empty (Plinth never leaves an empty database file behind,
 * see the provider's documentation), it is not a SQLite database at all, its log was left without it, or
 * SQLite's check at open ({@code checkAtOpen}) found damage. The message names the file and the first
 * problems found.
 *
 * <p>Nothing was deleted, truncated or rewritten: the file and its {@code -wal}/{@code -journal} are as they
 * were, to be inspected, recovered (for example with the {@code sqlite3} shell's {@code .recover}) or
 * restored from a backup. Not retryable: opening again finds the same damage.
 *
 * <p>Immutable, so safe to share between threads.
 */
public final class DamagedDatabaseException extends StorageOpenException {
    private static final long serialVersionUID = 1L;
    /** The database file, absolute. */
    private final String file;
    /** What was found, first problem first; never empty. */
    private final List<String> problems;

    /**
     * Built by the provider when it refuses a file; public only because the provider's implementation lives
     * in another package of its module. Plugins and operators catch it, they have no reason to create one.
     *
     * @param file the database file
     * @param summary what is wrong and what the operator can do, naming the file
     * @param problems what was found, first problem first (for the check at open, SQLite's own lines)
     * @param cause SQLite's error, or {@code null} when Plinth found the problem itself
     * @throws NullPointerException when {@code file}, {@code summary}, {@code problems} or one of its elements
     *     is {@code null}
     * @throws IllegalArgumentException when {@code problems} is empty
     */
    public DamagedDatabaseException(Path file, String summary, List<String> problems, Throwable cause) {
        super("sqlite", Objects.requireNonNull(summary, "summary"), cause, false);
        this.file = file.toString();
        this.problems = List.copyOf(problems);
        if (this.problems.isEmpty()) {
            throw new IllegalArgumentException("a damaged database has at least one problem");
        }
    }

    /** @return the database file that was refused, absolute */
    public Path file() {
        return Path.of(file);
    }

    /** @return what was found, first problem first; never empty */
    public List<String> problems() {
        return problems;
    }
}
