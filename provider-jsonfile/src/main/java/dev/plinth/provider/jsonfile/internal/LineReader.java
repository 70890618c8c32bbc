package dev.plinth.provider.jsonfile.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a journal line by line as bytes, in large chunks (a journal can hold millions of lines), telling
 * whether each line ended with its newline: a missing one marks a possibly torn last line.
 */
final class LineReader implements AutoCloseable {
    private final InputStream in;
    private final byte[] chunk = new byte[1 << 16];
    private int pos;
    private int limit;
    private byte[] line = new byte[512];
    private int length;
    private boolean terminated;

    LineReader(InputStream in) {
        this.in = in;
    }

    /** @return {@code true} when a line was read (possibly empty, possibly unterminated) */
    boolean next() throws IOException {
        length = 0;
        terminated = false;
        boolean any = false;
        while (true) {
            if (pos == limit) {
                int n = in.read(chunk, 0, chunk.length);
                if (n <= 0) {
                    pos = 0;
                    limit = 0;
                    return any;
                }
                pos = 0;
                limit = n;
            }
            any = true;
            int start = pos;
            while (pos < limit && chunk[pos] != '\n') {
                pos++;
            }
            append(start, pos - start);
            if (pos < limit) {
                pos++;
                terminated = true;
                return true;
            }
        }
    }

    private void append(int from, int count) {
        if (length + count > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, length + count));
        }
        System.arraycopy(chunk, from, line, length, count);
        length += count;
    }

    /** @return the current line's bytes, valid up to {@link #length()} until the next call */
    byte[] buffer() {
        return line;
    }

    int length() {
        return length;
    }

    boolean terminated() {
        return terminated;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
