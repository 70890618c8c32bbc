package dev.plinth.core.admin;

import dev.plinth.api.PlinthException;
import org.jspecify.annotations.Nullable;

/**
 * An export file that cannot be imported: a line that is not JSON, a field missing or of the wrong type, bad
 * base64, a header of another format version or of an unknown provider, a file cut short. The message starts
 * with the line number ({@code line 12: ...}); the lines before it were imported, none after it.
 */
public class ExportFormatException extends PlinthException {
    private static final long serialVersionUID = 1L;

    private final long lineNumber;

    /**
     * @param lineNumber the 1-based number of the bad line
     * @param problem what is wrong with it
     * @param cause the parser's error, if any
     */
    public ExportFormatException(long lineNumber, String problem, @Nullable Throwable cause) {
        super("line " + lineNumber + ": " + problem, cause);
        this.lineNumber = lineNumber;
    }

    /** @return the 1-based number of the bad line */
    public long lineNumber() {
        return lineNumber;
    }
}
