package dev.plinth.core.config;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How values are encoded at rest for one plugin's stores (or by default for every plugin), configured under
 * {@code plinth.storage.codec.*} and per plugin under {@code plinth.plugins.<id>.storage.codec.*}.
 *
 * <p>{@link #toString()} never shows a key: only the key ids.
 *
 * @param compression how values at or above {@code compressionThreshold} bytes are compressed
 * @param compressionThreshold the smallest value, in bytes, that is compressed; smaller ones are stored as
 *     given, since compression would save little and cost a call
 * @param keys AES keys (16, 24 or 32 bytes) by key id; empty for no encryption. Every listed key can
 *     decrypt; only {@code activeKeyId} encrypts, so a key is rotated by adding a new one and making it
 *     active while the old one stays listed
 * @param activeKeyId the id of the key new values are encrypted with, or {@code null} when {@code keys} is
 *     empty
 */
public record CodecSettings(
        Compression compression,
        int compressionThreshold,
        Map<String, byte[]> keys,
        @Nullable String activeKeyId) {
    /** The default compression threshold: 1 KiB. */
    public static final int DEFAULT_COMPRESSION_THRESHOLD = 1024;

    /** The compression algorithms. */
    public enum Compression {
        /** Values are stored as given. */
        NONE,
        /** LZ4 (lz4-java's fastest compressor): fast, a modest ratio. */
        LZ4
    }

    /**
     * @param compression the algorithm
     * @param compressionThreshold at least 1
     * @param keys key ids (1 to 255 bytes of UTF-8, no {@code :}, {@code =} or {@code ,}) to keys of 16, 24 or
     *     32 bytes
     * @param activeKeyId one of {@code keys}, or {@code null} exactly when {@code keys} is empty
     * @throws IllegalArgumentException when a value is out of range (the message names a key id, never a key)
     * @throws NullPointerException when {@code compression} or {@code keys} is {@code null}
     */
    public CodecSettings {
        Objects.requireNonNull(compression, "compression");
        if (compressionThreshold < 1) {
            throw new IllegalArgumentException("compressionThreshold must be at least 1, was " + compressionThreshold);
        }
        Map<String, byte[]> copy = new LinkedHashMap<>();
        keys.forEach((id, key) -> {
            int idBytes = id.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (idBytes < 1 || idBytes > 255 || id.contains(":") || id.contains("=") || id.contains(",")) {
                throw new IllegalArgumentException(
                        "key id '" + id + "' must be 1 to 255 bytes without ':', '=' or ','");
            }
            if (key.length != 16 && key.length != 24 && key.length != 32) {
                throw new IllegalArgumentException(
                        "key '" + id + "' must be 16, 24 or 32 bytes (AES-128/192/256), was " + key.length + " bytes");
            }
            copy.put(id, key.clone());
        });
        keys = java.util.Collections.unmodifiableMap(copy);
        if (keys.isEmpty() != (activeKeyId == null)) {
            throw new IllegalArgumentException(
                    keys.isEmpty()
                            ? "an active key id needs encryption keys"
                            : "encryption keys need an active key id");
        }
        if (activeKeyId != null && !keys.containsKey(activeKeyId)) {
            throw new IllegalArgumentException(
                    "the active key id '" + activeKeyId + "' is not among the keys " + keys.keySet());
        }
    }

    /** @return no compression, no encryption */
    public static CodecSettings none() {
        return new CodecSettings(Compression.NONE, DEFAULT_COMPRESSION_THRESHOLD, Map.of(), null);
    }

    /** @return whether values are stored as given (no compression, no encryption) */
    public boolean isIdentity() {
        return compression == Compression.NONE && keys.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CodecSettings other)) {
            return false;
        }
        if (compression != other.compression
                || compressionThreshold != other.compressionThreshold
                || !Objects.equals(activeKeyId, other.activeKeyId)
                || !keys.keySet().equals(other.keys.keySet())) {
            return false;
        }
        return keys.entrySet().stream().allMatch(e -> Arrays.equals(e.getValue(), other.keys.get(e.getKey())));
    }

    @Override
    public int hashCode() {
        return Objects.hash(compression, compressionThreshold, keys.keySet(), activeKeyId);
    }

    @Override
    public String toString() {
        return "CodecSettings[compression=" + compression + ", compressionThreshold=" + compressionThreshold
                + ", keyIds=" + keys.keySet() + ", activeKeyId=" + activeKeyId + "]";
    }
}
