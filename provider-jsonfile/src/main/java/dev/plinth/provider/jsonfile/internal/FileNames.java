package dev.plinth.provider.jsonfile.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The only place file names are made. Keys never reach a file name; a namespace does only as lower-case
 * hex of its UTF-8 path behind a fixed prefix, so no name can contain a separator, a dot-dot, a drive or
 * device name, or exceed file system limits (long paths are cut and completed with a SHA-256 digest; the
 * snapshot document holds the real namespace).
 */
final class FileNames {
    static final String MANIFEST = "manifest.json";
    static final String TEMP_SUFFIX = ".tmp";
    /** Created and deleted by the health probe to learn whether the folder takes new files; ignored on open. */
    static final String HEALTH_PROBE = ".health-probe";

    private static final int MAX_HEX = 120;
    private static final HexFormat HEX = HexFormat.of();
    private static final Pattern SNAPSHOT =
            Pattern.compile("ns-[0-9a-f]{1,120}(-h[0-9a-f]{32})?\\.g[0-9]{1,19}\\.json");
    private static final Pattern JOURNAL = Pattern.compile("journal-([0-9]{12,19})\\.jsonl");

    private FileNames() {}

    /**
     * @param namespacePath any string (a namespace path in practice)
     * @return a base name of at most 160 characters drawn from {@code [0-9a-fh-ns]}
     */
    static String namespaceStem(String namespacePath) {
        byte[] utf8 = namespacePath.getBytes(StandardCharsets.UTF_8);
        String hex = HEX.formatHex(utf8);
        if (hex.length() <= MAX_HEX) {
            return "ns-" + hex;
        }
        return "ns-" + hex.substring(0, 80) + "-h" + HEX.formatHex(sha256(utf8), 0, 16);
    }

    static String snapshot(String namespacePath, long generation) {
        return namespaceStem(namespacePath) + ".g" + generation + ".json";
    }

    static boolean isSnapshot(String fileName) {
        return SNAPSHOT.matcher(fileName).matches();
    }

    /** @return whether {@code fileName} is the temp file of a manifest, snapshot or journal being written */
    static boolean isTemp(String fileName) {
        if (!fileName.endsWith(TEMP_SUFFIX)) {
            return false;
        }
        String base = fileName.substring(0, fileName.length() - TEMP_SUFFIX.length());
        return base.equals(MANIFEST) || isSnapshot(base) || journalSequence(base) >= 0;
    }

    static String journal(long sequence) {
        return String.format("journal-%012d.jsonl", sequence);
    }

    /** @return the journal's sequence number, or -1 when the name is not a journal's */
    static long journalSequence(String fileName) {
        var m = JOURNAL.matcher(fileName);
        if (!m.matches()) {
            return -1;
        }
        try {
            return Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return -1; // beyond any sequence this provider writes: not one of its files
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
