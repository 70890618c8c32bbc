package dev.plinth.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Counts the bytes read through it, so an import's progress bar can tell how much of the file is done. */
final class CountingInputStream extends FilterInputStream {
    // Read by the progress bar on the thread that reads the stream: no need to be volatile.
    private long count;

    CountingInputStream(InputStream in) {
        super(in);
    }

    /** @return bytes read so far */
    long count() {
        return count;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long s = super.skip(n);
        count += s;
        return s;
    }
}
