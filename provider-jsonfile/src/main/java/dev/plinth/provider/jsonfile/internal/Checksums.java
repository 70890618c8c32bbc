package dev.plinth.provider.jsonfile.internal;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The checksum of every record of format 2: a record is a JSON object whose last field is
 * {@code "crc":"xxxxxxxx"}, eight lower-case hex digits of the CRC32C of every byte of the record before
 * the comma that introduces that field. A journal line or snapshot entry therefore ends with exactly
 * {@code ,"crc":"xxxxxxxx"}} and is checked without parsing it. Damage inside a value (a changed, lost or
 * added byte) changes the checksum; a torn line cannot end with a checksum, because a prefix of a record
 * never ends with its last field.
 */
final class Checksums {
    private static final byte[] FIELD = ",\"crc\":\"".getBytes(StandardCharsets.US_ASCII);
    /** {@code ,"crc":"} + 8 hex digits + {@code "}}. */
    static final int SUFFIX_LENGTH = FIELD.length + 8 + 2;

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private Checksums() {}

    static int crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    /** Writes the suffix of a record whose bytes before it have checksum {@code crc} into {@code out}. */
    static void writeSuffix(RecordBuffer out, int crc) {
        out.write(FIELD, 0, FIELD.length);
        for (int shift = 28; shift >= 0; shift -= 4) {
            out.write(HEX[(crc >>> shift) & 0xf]);
        }
        out.write('"');
        out.write('}');
    }

    /** @return whether {@code bytes[0, length)} ends as a checksummed record does */
    static boolean hasSuffix(byte[] bytes, int length) {
        if (length < SUFFIX_LENGTH + 1 || bytes[length - 1] != '}' || bytes[length - 2] != '"') {
            return false;
        }
        int at = length - SUFFIX_LENGTH;
        for (int i = 0; i < FIELD.length; i++) {
            if (bytes[at + i] != FIELD[i]) {
                return false;
            }
        }
        for (int i = at + FIELD.length; i < length - 2; i++) {
            if (digit(bytes[i]) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param bytes a record that {@link #hasSuffix has a checksum}
     * @param length its length
     * @throws IllegalArgumentException when the checksum does not match, saying both values
     */
    static void verify(byte[] bytes, int length) {
        int at = length - SUFFIX_LENGTH;
        int stored = 0;
        for (int i = at + FIELD.length; i < length - 2; i++) {
            stored = stored << 4 | digit(bytes[i]);
        }
        int actual = crc(bytes, 0, at);
        if (stored != actual) {
            throw new IllegalArgumentException(String.format(
                    "checksum mismatch: the record says crc %08x but its"
                            + " bytes give %08x, so it was changed or damaged after it was written",
                    stored, actual));
        }
    }

    private static int digit(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        return b >= 'a' && b <= 'f' ? b - 'a' + 10 : -1;
    }

    static String hex(int crc) {
        return String.format("%08x", crc);
    }
}
