package dev.plinth.provider.jsonfile.internal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Makes a rename in the store's folder durable: the fsync of the folder that {@link AtomicFiles} does after
 * each rename. A seam so a test can make that fsync fail, which no real file system here can (as
 * {@link JournalFile.Opener} is for the journal's own fsync).
 */
@FunctionalInterface
interface FolderSync {
    /** The real file system. */
    FolderSync DEFAULT = (directory, renamed) -> AtomicFiles.syncDirectory(directory);

    /**
     * @param directory the folder
     * @param renamed the name just renamed into place in it
     */
    void afterRename(Path directory, String renamed) throws IOException;
}
