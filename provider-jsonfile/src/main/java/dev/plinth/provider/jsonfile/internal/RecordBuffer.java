package dev.plinth.provider.jsonfile.internal;

import java.io.ByteArrayOutputStream;

/** The bytes of records being built, reused; gives access to its array for checksums and appends. */
final class RecordBuffer extends ByteArrayOutputStream {
    RecordBuffer() {
        super(512);
    }

    byte[] array() {
        return buf;
    }

    /** Ends the record started at {@code start} with its checksum field and closing brace. */
    void closeRecord(int start) {
        Checksums.writeSuffix(this, Checksums.crc(buf, start, count - start));
    }

    /** Empties it, dropping a buffer grown by one huge record so it is not kept for the life of the store. */
    void clear() {
        if (buf.length > 1 << 20) {
            buf = new byte[512];
        }
        count = 0;
    }
}
