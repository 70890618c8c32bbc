package dev.plinth.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Shared fixture data, built before measurement so no benchmark formats a key on its hot path. Plinth and
 * its raw baseline always get the same keys and the same values.
 */
public final class Data {
    /** Size of every stored value: a small JSON-ish record. */
    public static final int VALUE_BYTES = 100;
    /** Keys a get/set benchmark cycles through (a power of two, so an index is a mask away). */
    public static final int WORKING_SET = 1 << 13;
    /** Keys in a getAll/setAll batch. */
    public static final int BATCH = 100;

    private Data() {}

    /** @return a fresh {@value #VALUE_BYTES}-byte value whose content depends on {@code seed} */
    public static byte[] value(int seed) {
        byte[] v = new byte[VALUE_BYTES];
        for (int i = 0; i < v.length; i++) {
            v[i] = (byte) ('a' + (seed + i) % 26);
        }
        return v;
    }

    /** @return {@code n} keys {@code key:000000}, {@code key:000001}, ... */
    public static String[] keys(int n) {
        String[] keys = new String[n];
        for (int i = 0; i < n; i++) {
            keys[i] = key(i);
        }
        return keys;
    }

    /** @return the {@code i}-th key of {@link #keys(int)} */
    public static String key(int i) {
        return String.format("key:%06d", i);
    }

    /**
     * Keys spread over 100 literal prefixes {@code p00:} .. {@code p99:}, so the pattern {@code pNN:*}
     * matches exactly 1% of them.
     *
     * @param i the key's index
     * @return the {@code i}-th prefixed key
     */
    public static String prefixedKey(int i) {
        return String.format("p%02d:%07d", i % 100, i / 100);
    }

    /** @return the glob matching the {@code n}-th of the 100 prefixes (1% of the keys) */
    public static String prefixPattern(int n) {
        return prefix(n) + "*";
    }

    /** @return the literal prefix {@code pNN:} */
    public static String prefix(int n) {
        return String.format("p%02d:", n % 100);
    }

    /** @return batch {@code b} of {@link #BATCH} consecutive keys out of {@code keys}, with values */
    public static Map<String, byte[]> batch(String[] keys, int b) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        int start = (b * BATCH) % keys.length;
        for (int i = 0; i < BATCH; i++) {
            m.put(keys[(start + i) % keys.length], value(start + i));
        }
        return m;
    }

    /** @return a new empty temporary folder */
    public static Path tempDir(String name) {
        try {
            return Files.createTempDirectory("plinth-bench-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a folder and everything in it; quietly does nothing when it is already gone. */
    public static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
