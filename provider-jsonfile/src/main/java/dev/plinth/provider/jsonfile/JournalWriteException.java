package dev.plinth.provider.jsonfile;

import dev.plinth.api.storage.BackendUnavailableException;
import java.nio.file.Path;

/**
 * A write could not be recorded in the journal (disk full, file system read-only, I/O error). Retryable:
 * the same open store accepts writes again once the disk does.
 *
 * <p>Usually nothing was changed, in memory or on disk, and no watcher was notified. The exception is a
 * failed fsync: the line had reached the file and the change is already visible, but whether it is on
 * disk is unknown, which the message says. The store then rewrites all its data to new files (refusing
 * writes meanwhile), after which such a change is durable and reported to watchers.
 */
public class JournalWriteException extends BackendUnavailableException {
    private static final long serialVersionUID = 1L;
    /** The journal file. */
    private final transient Path file;

    /**
     * @param file the journal written
     * @param cause the file system's error
     */
    public JournalWriteException(Path file, Throwable cause) {
        this("Cannot write to " + file + " (" + cause + "); nothing was changed", file, cause);
    }

    private JournalWriteException(String message, Path file, Throwable cause) {
        super(message, cause);
        this.file = file;
    }

    /** The write's own fsync failed: it is in memory, its durability unknown. */
    static JournalWriteException notDurable(Path file, Throwable cause) {
        return new JournalWriteException("The write reached " + file + " but its fsync failed (" + cause
                + "): the change is visible but may not be on disk; the store now rewrites its data to new"
                + " files and accepts writes again once that succeeds", file, cause);
    }

    /** An earlier fsync failed and the rewrite has not succeeded yet. */
    static JournalWriteException refused(Path file, Throwable cause) {
        return new JournalWriteException("Cannot write to " + file + ": an fsync of the journal failed (" + cause
                + "), so what it holds on disk is unknown; writes are refused until the store has rewritten"
                + " its data to new files (retried in the background); nothing was changed", file, cause);
    }

    /** @return the journal file */
    public Path file() {
        return file;
    }
}
