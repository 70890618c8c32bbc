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
 * writes, with this exception, meanwhile), after which such a change is durable and reported to watchers.
 *
 * <p>Immutable, like every exception of the storage API.
 */
public class JournalWriteException extends BackendUnavailableException {
    private static final long serialVersionUID = 1L;
    /** The journal file; not serialized. */
    private final transient Path file;

    /**
     * A write that changed nothing.
     *
     * @param file the journal written; may be {@code null} when unknown
     * @param cause the file system's error, may be {@code null}
     */
    public JournalWriteException(Path file, Throwable cause) {
        this("Cannot write to " + file + " (" + cause + "); nothing was changed", file, cause);
    }

    /**
     * @param message what happened and what changed, naming the journal
     * @param file the journal written; may be {@code null} when unknown
     * @param cause the file system's error, may be {@code null}
     */
    public JournalWriteException(String message, Path file, Throwable cause) {
        super(message, cause);
        this.file = file;
    }

    /**
     * @return the journal file, or {@code null} when unknown (also after deserialization: a {@link Path} is
     *     not serializable)
     */
    public Path file() {
        return file;
    }
}
