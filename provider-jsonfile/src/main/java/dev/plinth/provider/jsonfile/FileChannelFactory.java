package dev.plinth.provider.jsonfile;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Opens the journal for writing; a seam so tests can make the disk fail (full, read-only). */
@FunctionalInterface
interface FileChannelFactory {

    /** The real file system. */
    FileChannelFactory DEFAULT = path -> FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.READ);

    FileChannel openForAppend(Path path) throws IOException;
}
