package dev.plinth.core.storage;

import dev.plinth.api.storage.NotACounterException;
import dev.plinth.api.storage.ValueCodecException;
import dev.plinth.core.config.CodecSettings;
import dev.plinth.spi.storage.Counters;
import dev.plinth.spi.storage.Namespace;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * One plugin's value codec at rest: LZ4 compression of values at or above a size threshold, then AES-GCM
 * encryption, each as configured. Encoded values are framed so a reader knows what was done to them:
 *
 * <pre>
 *   F5 'P' 'L' 01  flags  [ idLength id  iv(12) ] body [ tag(16) ]
 *   flags: 1 = compressed (body starts with the original length, 4 bytes), 2 = encrypted (the bracketed parts)
 * </pre>
 *
 * <p>A value without the frame is returned as it is: values written before a codec was enabled stay
 * readable. The first byte {@code F5} never starts UTF-8 text, so no string or JSON value can be taken for a
 * frame; a binary value that happens to start with the four frame bytes is framed (flags 0) when written
 * through a codec. The encryption's associated data is the frame header with the namespace and key, so a
 * value copied under another key fails to decrypt rather than being read there. Values that are the
 * canonical decimal text of a {@code long} are stored as given: the backend adds to them natively
 * ({@code increment}), which it could not do to ciphertext.
 *
 * <p>Thread-safe: ciphers are per thread. Decoding failures are {@link ValueCodecException}s naming the key
 * and key id, never key material.
 */
final class AtRestCodec {
    private static final byte[] MAGIC = {(byte) 0xF5, 'P', 'L', 1};
    private static final int HEADER = MAGIC.length + 1;
    private static final int COMPRESSED = 1;
    private static final int ENCRYPTED = 2;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    /** Long.MIN_VALUE is 20 characters. */
    private static final int LONGEST_COUNTER = 20;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final boolean compress;
    private final int threshold;
    private final Map<String, SecretKeySpec> keys = new HashMap<>();
    private final String activeId;
    private final byte[] activeIdBytes;
    private final SecretKeySpec activeKey;
    private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(AtRestCodec::newCipher);

    AtRestCodec(CodecSettings settings) {
        this.compress = settings.compression() == CodecSettings.Compression.LZ4;
        this.threshold = settings.compressionThreshold();
        settings.keys().forEach((id, key) -> keys.put(id, new SecretKeySpec(key, "AES")));
        this.activeId = settings.activeKeyId();
        this.activeIdBytes = activeId == null ? null : activeId.getBytes(StandardCharsets.UTF_8);
        this.activeKey = activeId == null ? null : keys.get(activeId);
        if (compress) {
            // Loads LZ4 (native or Java) at open, not on the first write.
            var unused = Lz4.COMPRESSOR;
        }
    }

    /** LZ4, loaded on first use: a runtime that never meets a compressed value never loads it. */
    private static final class Lz4 {
        static final LZ4Compressor COMPRESSOR = LZ4Factory.fastestInstance().fastCompressor();
        static final LZ4SafeDecompressor DECOMPRESSOR =
                LZ4Factory.fastestInstance().safeDecompressor();
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no AES/GCM cipher", e);
        }
    }

    /** @return {@code value} as stored: compressed and encrypted as configured, or as given */
    byte[] encode(Namespace ns, String key, byte[] value) {
        boolean counter = isCounter(value);
        byte[] body = value;
        int flags = 0;
        if (compress && value.length >= threshold && !counter) {
            byte[] packed = compressed(value);
            if (packed != null) {
                body = packed;
                flags |= COMPRESSED;
            }
        }
        if (activeKey != null && !counter) {
            return encrypted(ns, key, body, flags | ENCRYPTED);
        }
        if (flags == 0 && !startsWithMagic(value)) {
            return value;
        }
        byte[] out = new byte[HEADER + body.length];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        out[MAGIC.length] = (byte) flags;
        System.arraycopy(body, 0, out, HEADER, body.length);
        return out;
    }

    /** @return the original value, or {@code null} when compression would not save anything */
    private byte[] compressed(byte[] value) {
        LZ4Compressor compressor = Lz4.COMPRESSOR;
        int max = compressor.maxCompressedLength(value.length);
        byte[] buf = new byte[4 + max];
        ByteBuffer.wrap(buf).putInt(value.length);
        int n = compressor.compress(value, 0, value.length, buf, 4, max);
        if (4 + n + HEADER >= value.length) {
            return null;
        }
        byte[] out = new byte[4 + n];
        System.arraycopy(buf, 0, out, 0, out.length);
        return out;
    }

    private byte[] encrypted(Namespace ns, String key, byte[] body, int flags) {
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        int prefix = HEADER + 1 + activeIdBytes.length + IV_BYTES;
        byte[] out = new byte[prefix + body.length + TAG_BITS / 8];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        out[MAGIC.length] = (byte) flags;
        out[HEADER] = (byte) activeIdBytes.length;
        System.arraycopy(activeIdBytes, 0, out, HEADER + 1, activeIdBytes.length);
        System.arraycopy(iv, 0, out, HEADER + 1 + activeIdBytes.length, IV_BYTES);
        try {
            Cipher c = ciphers.get();
            c.init(Cipher.ENCRYPT_MODE, activeKey, new GCMParameterSpec(TAG_BITS, iv));
            c.updateAAD(out, 0, prefix);
            c.updateAAD(context(ns, key));
            c.doFinal(body, 0, body.length, out, prefix);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM encryption failed for key id '" + activeId + "'", e);
        }
        return out;
    }

    /**
     * @return the original value of {@code stored}: decoded when framed, {@code stored} itself otherwise
     * @throws ValueCodecException when a framed value cannot be decoded
     */
    byte[] decode(Namespace ns, String key, byte[] stored) {
        if (!startsWithMagic(stored)) {
            return stored;
        }
        if (stored.length < HEADER) {
            throw new ValueCodecException(key, "its frame is cut short (the stored bytes are damaged)", null);
        }
        int flags = stored[MAGIC.length];
        if ((flags & ~(COMPRESSED | ENCRYPTED)) != 0) {
            throw new ValueCodecException(
                    key, "unknown codec flags " + flags + " (damaged, or written by a newer Plinth)", null);
        }
        byte[] body;
        if ((flags & ENCRYPTED) != 0) {
            body = decrypted(ns, key, stored);
        } else {
            body = new byte[stored.length - HEADER];
            System.arraycopy(stored, HEADER, body, 0, body.length);
        }
        return (flags & COMPRESSED) != 0 ? decompressed(key, body) : body;
    }

    private byte[] decrypted(Namespace ns, String key, byte[] stored) {
        int idLength = stored.length > HEADER ? stored[HEADER] & 0xFF : 0;
        int prefix = HEADER + 1 + idLength + IV_BYTES;
        if (idLength == 0 || stored.length < prefix + TAG_BITS / 8) {
            throw new ValueCodecException(
                    key, "its encryption frame is cut short (the stored bytes are damaged)", null);
        }
        String id = new String(stored, HEADER + 1, idLength, StandardCharsets.UTF_8);
        SecretKeySpec secret = keys.get(id);
        if (secret == null) {
            throw new ValueCodecException(
                    key,
                    "it is encrypted with key id '" + id + "', which is not configured"
                            + (keys.isEmpty() ? " (no encryption keys are)" : " (configured: " + keys.keySet() + ")")
                            + "; add it to plinth.storage.codec.encryptionKeys",
                    null);
        }
        try {
            Cipher c = ciphers.get();
            c.init(
                    Cipher.DECRYPT_MODE,
                    secret,
                    new GCMParameterSpec(TAG_BITS, stored, HEADER + 1 + idLength, IV_BYTES));
            c.updateAAD(stored, 0, prefix);
            c.updateAAD(context(ns, key));
            return c.doFinal(stored, prefix, stored.length - prefix);
        } catch (AEADBadTagException e) {
            throw new ValueCodecException(
                    key,
                    "key id '" + id + "' does not open it: a wrong key under that id, a damaged value, or a value"
                            + " copied from another key",
                    null);
        } catch (GeneralSecurityException e) {
            throw new ValueCodecException(
                    key,
                    "decryption with key id '" + id + "' failed: "
                            + e.getClass().getName(),
                    null);
        }
    }

    private byte[] decompressed(String key, byte[] body) {
        if (body.length < 4) {
            throw new ValueCodecException(key, "its compressed body is cut short (the stored bytes are damaged)", null);
        }
        int length = ByteBuffer.wrap(body).getInt();
        if (length < 0 || length > 1 << 30) {
            throw new ValueCodecException(key, "its compressed length " + length + " is impossible (damaged)", null);
        }
        byte[] out = new byte[length];
        try {
            int n = Lz4.DECOMPRESSOR.decompress(body, 4, body.length - 4, out, 0, length);
            if (n != length) {
                throw new ValueCodecException(
                        key, "it decompressed to " + n + " bytes, not the " + length + " recorded (damaged)", null);
            }
        } catch (LZ4Exception e) {
            throw new ValueCodecException(key, "its compressed body is damaged", e);
        }
        return out;
    }

    private static byte[] context(Namespace ns, String key) {
        return (ns.path() + '\u0000' + key).getBytes(StandardCharsets.UTF_8);
    }

    private static boolean startsWithMagic(byte[] v) {
        return v.length >= MAGIC.length && v[0] == MAGIC[0] && v[1] == MAGIC[1] && v[2] == MAGIC[2] && v[3] == MAGIC[3];
    }

    /**
     * @return whether {@code v} is what {@code increment} keeps: the canonical decimal text of a long, by the
     *     providers' one rule ({@link Counters})
     */
    static boolean isCounter(byte[] v) {
        if (v.length == 0 || v.length > LONGEST_COUNTER || !(v[0] == '-' || (v[0] >= '0' && v[0] <= '9'))) {
            return false;
        }
        try {
            Counters.parse("", v);
            return true;
        } catch (NotACounterException e) {
            return false;
        }
    }
}
