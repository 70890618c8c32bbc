package dev.plinth.provider.jsonfile;

import dev.plinth.api.storage.BackendUnavailableException;
import java.nio.file.Path;

/**
 * A write could not be recorded in the journal (disk full, file system read-only, I/O error). Nothing was
 * changed, in memory or on disk, and no watcher was notified. Retryable once the disk accepts writes
 * again.
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
        super("Cannot write to " + file + " (" + cause + "); nothing was changed", cause);
        this.file = file;
    }

    /** @return the journal file */
    public Path file() {
        return file;
    }
}
