package dev.plinth.provider.jsonfile;

import dev.plinth.api.storage.StorageException;
import java.nio.file.Path;

/**
 * A data file could not be read back: invalid JSON or an invalid record, other than a torn last journal
 * line. The open fails and no file is changed or deleted, so the damage can be inspected and repaired by
 * hand.
 */
public class CorruptDataFileException extends StorageException {
    private static final long serialVersionUID = 1L;
    /** The damaged file. */
    private final transient Path file;
    /** The 1-based line at fault, or -1. */
    private final long line;

    /**
     * @param file the damaged file
     * @param line the 1-based line at fault, or -1 when unknown
     * @param problem what is wrong
     * @param cause the parser's exception, may be {@code null}
     */
    public CorruptDataFileException(Path file, long line, String problem, Throwable cause) {
        super("Cannot read " + file + (line > 0 ? " line " + line : "") + ": " + problem
                + "; nothing was changed or deleted: repair or remove the file, then open again", cause);
        this.file = file;
        this.line = line;
    }

    /** @return the damaged file */
    public Path file() {
        return file;
    }

    /** @return the 1-based line at fault, or -1 when unknown */
    public long line() {
        return line;
    }
}
