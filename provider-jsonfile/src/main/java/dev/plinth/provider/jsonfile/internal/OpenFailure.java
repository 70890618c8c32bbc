package dev.plinth.provider.jsonfile.internal;

import dev.plinth.api.storage.StorageOpenException;
import dev.plinth.provider.jsonfile.JsonFileStorageProvider;
import java.io.IOException;

/**
 * Builds the {@link StorageOpenException} of an I/O failure while opening: the message names the file or
 * folder and the file system's reason, once.
 */
final class OpenFailure {
    private OpenFailure() {}

    /**
     * An environmental failure (disk full, read-only file system, I/O error): retryable, because opening
     * again may succeed once the operator or the disk has fixed it. Damaged data is a
     * {@link CorruptDataFileException} instead, which is not.
     *
     * @param what what could not be done, naming the file or folder
     * @param cause the file system's error
     * @return the exception to throw
     */
    static StorageOpenException io(String what, IOException cause) {
        return new StorageOpenException(JsonFileStorageProvider.ID, what + ": " + reason(cause), cause, true);
    }

    /**
     * A configured folder that cannot be one (a path under a plain file, a file where the folder should be):
     * not retryable, the option must change.
     *
     * @param what what is wrong, naming the folder
     * @param cause the file system's error, may be {@code null}
     * @return the exception to throw
     */
    static StorageOpenException badFolder(String what, IOException cause) {
        return new StorageOpenException(
                JsonFileStorageProvider.ID, cause == null ? what : what + ": " + reason(cause), cause, false);
    }

    /** The file system's reason without repeating the path it usually starts with. */
    static String reason(IOException e) {
        if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
            return fse.getReason() + " (" + e.getClass().getSimpleName() + ")";
        }
        return String.valueOf(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }
}
