package dev.plinth.provider.jsonfile;

import dev.plinth.api.storage.StorageOpenException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A file the data set needs is missing, empty or damaged: invalid JSON, an invalid record, a checksum
 * that does not match, or a journal or snapshot the manifest needs that is not there (a torn last journal
 * line after a crash is not damage: it is set aside and the open goes on). The open fails and no file is
 * changed or deleted, so the damage can be inspected, and the file restored from a backup or repaired by
 * hand. Not retryable: opening again fails the same way until the file is fixed.
 *
 * <p>Immutable, like every exception of the storage API.
 */
public class CorruptDataFileException extends StorageOpenException {
    private static final long serialVersionUID = 1L;
    /** The damaged or missing file; not serialized. */
    private final transient Path file;
    /** The 1-based line at fault, or -1. */
    private final long line;

    /**
     * @param file the damaged or missing file; not {@code null}
     * @param line the 1-based line at fault, or -1 when unknown or not about one line
     * @param problem what is wrong, for the message
     * @param cause the parser's exception, may be {@code null}
     * @throws NullPointerException when {@code file} is {@code null}
     */
    public CorruptDataFileException(Path file, long line, String problem, Throwable cause) {
        super(
                JsonFileStorageProvider.ID,
                "cannot read " + Objects.requireNonNull(file, "file")
                        + (line > 0 ? " line " + line : "") + ": " + problem
                        + "; nothing was changed or deleted: restore or repair the file, then open again",
                cause,
                false);
        this.file = file;
        this.line = line;
    }

    /** @return the damaged or missing file; {@code null} only after deserialization */
    public Path file() {
        return file;
    }

    /** @return the 1-based line at fault, or -1 when unknown */
    public long line() {
        return line;
    }
}
