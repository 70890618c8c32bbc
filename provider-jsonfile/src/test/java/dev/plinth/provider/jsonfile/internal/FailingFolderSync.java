package dev.plinth.provider.jsonfile.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A folder whose fsync fails on demand with EIO after chosen renames, as a failing disk's would: the rename
 * has happened (every reader sees the new file), only its durability is unknown. Like
 * {@link FailingJournalFile}, it stands in for a block device that fails (device-mapper), which the build
 * machine does not offer.
 */
final class FailingFolderSync implements FolderSync {
    private volatile Predicate<String> failsAfter = name -> false;
    private final AtomicInteger failures = new AtomicInteger();

    /** From now on, the folder fsync after renaming a file whose name matches fails. */
    void failAfter(Predicate<String> names) {
        failsAfter = names;
    }

    /** The disk works again. */
    void heal() {
        failsAfter = name -> false;
    }

    /** @return how many folder fsyncs failed so far */
    int failures() {
        return failures.get();
    }

    @Override
    public void afterRename(Path directory, String renamed) throws IOException {
        if (failsAfter.test(renamed)) {
            failures.incrementAndGet();
            throw new IOException("Input/output error");
        }
        FolderSync.DEFAULT.afterRename(directory, renamed);
    }
}
