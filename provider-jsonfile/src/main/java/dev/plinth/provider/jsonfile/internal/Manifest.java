package dev.plinth.provider.jsonfile.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plinth.provider.jsonfile.CorruptDataFileException;
import dev.plinth.spi.storage.Namespace;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code manifest.json}: which snapshot file holds each namespace, the first journal to replay over them,
 * and the highest version issued before that journal. Replaced atomically by each compaction, so a crash
 * leaves either the old or the new set of files in force.
 *
 * <p>Format 2 ends with a {@code "crc"} field: the CRC32C of the file's bytes before the comma that
 * introduces it, as for every record ({@link Checksums}). A damaged {@code journalFrom} would otherwise
 * make the open skip, then delete, a journal the data set needs. Format 1 (no checksum) is still read.
 *
 * @param format the format it was read in: 1 (previous version) or {@link #FORMAT}
 * @param generation the compaction that wrote it (0: none yet)
 * @param journalFrom the first journal sequence to replay
 * @param lastVersion the highest version issued when the snapshots were started
 * @param namespaces namespace path to snapshot file name
 */
record Manifest(int format, long generation, long journalFrom, long lastVersion, Map<String, String> namespaces) {
    static final int FORMAT = RecordCodec.FORMAT;
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final byte[] CRC_FIELD = "\"crc\"".getBytes(StandardCharsets.US_ASCII);

    Manifest(long generation, long journalFrom, long lastVersion, Map<String, String> namespaces) {
        this(FORMAT, generation, journalFrom, lastVersion, namespaces);
    }

    static Manifest empty() {
        return new Manifest(0, 1, 0, new TreeMap<>());
    }

    static Manifest read(Path file) {
        byte[] bytes;
        JsonNode root;
        try {
            bytes = readAll(file);
            if (bytes.length == 0) {
                throw new CorruptDataFileException(
                        file, -1, "the file is empty (0 bytes): it was truncated or replaced", null);
            }
            root = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new CorruptDataFileException(
                    file,
                    e.getLocation() == null ? -1 : e.getLocation().getLineNr(),
                    "invalid JSON: " + e.getOriginalMessage(),
                    e);
        } catch (IOException e) {
            throw OpenFailure.io("cannot read " + file, e);
        }
        try {
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException("the manifest must be a JSON object");
            }
            long format = RecordCodec.number(root, "format", true);
            if (format == FORMAT) {
                verifyChecksum(bytes);
            } else if (format != 1) {
                throw new IllegalArgumentException(
                        "unsupported format " + format + " (this version reads 1 and " + FORMAT + ")");
            }
            long generation = RecordCodec.number(root, "generation", true);
            long journalFrom = RecordCodec.number(root, "journalFrom", true);
            long lastVersion = RecordCodec.number(root, "lastVersion", true);
            if (generation < 0 || journalFrom < 1 || lastVersion < 0) {
                throw new IllegalArgumentException("generation, journalFrom and lastVersion must not be negative");
            }
            JsonNode ns = root.get("namespaces");
            if (ns == null || !ns.isObject()) {
                throw new IllegalArgumentException("\"namespaces\" must be an object");
            }
            Map<String, String> files = new TreeMap<>();
            for (Map.Entry<String, JsonNode> e : ns.properties()) {
                String path;
                try {
                    path = Namespace.parse(e.getKey()).path();
                } catch (RuntimeException bad) {
                    throw new IllegalArgumentException(
                            "'" + e.getKey() + "' is not a namespace: " + bad.getMessage(), bad);
                }
                String name = e.getValue().isTextual() ? e.getValue().textValue() : "";
                // Only names this provider makes: a hand-edited "../x" must never be read or later deleted.
                if (!FileNames.isSnapshot(name) || !name.startsWith(FileNames.namespaceStem(path) + ".g")) {
                    throw new IllegalArgumentException("namespace '" + path + "' maps to '" + name
                            + "', which is not this namespace's snapshot file name");
                }
                files.put(path, name);
            }
            return new Manifest((int) format, generation, journalFrom, lastVersion, files);
        } catch (IllegalArgumentException e) {
            throw new CorruptDataFileException(file, -1, e.getMessage(), e);
        }
    }

    /** The checksum covers every byte before the comma that introduces the last {@code "crc"} field. */
    private static void verifyChecksum(byte[] bytes) {
        int field = lastIndexOf(bytes, CRC_FIELD);
        int comma = field - 1;
        while (comma >= 0 && Character.isWhitespace(bytes[comma])) {
            comma--;
        }
        if (field < 0 || comma < 0 || bytes[comma] != ',') {
            throw new IllegalArgumentException("the manifest has no checksum (\"crc\" must be its last field)");
        }
        JsonNode crc;
        try {
            crc = MAPPER.readTree(bytes).get("crc");
        } catch (IOException e) {
            throw new IllegalArgumentException("invalid JSON", e);
        }
        String expected = Checksums.hex(Checksums.crc(bytes, 0, comma));
        if (crc == null || !crc.isTextual() || !crc.textValue().equals(expected)) {
            throw new IllegalArgumentException("checksum mismatch: the manifest says crc " + crc
                    + " but its bytes give " + expected + ", so it was changed or damaged after it was written");
        }
    }

    private static int lastIndexOf(byte[] bytes, byte[] part) {
        outer:
        for (int i = bytes.length - part.length; i >= 0; i--) {
            for (int j = 0; j < part.length; j++) {
                if (bytes[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Reads through {@code java.io}: an interrupt cannot break it, unlike {@code Files.readAllBytes}. */
    static byte[] readAll(Path file) throws IOException {
        try (java.io.FileInputStream in = new java.io.FileInputStream(file.toFile())) {
            return in.readAllBytes();
        }
    }

    /**
     * Writes this manifest in the current format, whatever it was read in.
     *
     * @throws AtomicFiles.NotDurableException it is in place, but its rename may not be durable
     */
    void write(AtomicFiles files) throws IOException {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("generation", generation);
        root.put("journalFrom", journalFrom);
        root.put("lastVersion", lastVersion);
        ObjectNode ns = root.putObject("namespaces");
        namespaces.forEach(ns::put);
        byte[] pretty = MAPPER.writeValueAsBytes(root);
        int end = pretty.length - 1;
        while (pretty[end] != '}') {
            end--;
        }
        while (Character.isWhitespace(pretty[end - 1])) {
            end--;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(pretty.length + 32);
        out.write(pretty, 0, end); // the object without its closing brace
        int crc = Checksums.crc(pretty, 0, end);
        out.write((",\n  \"crc\" : \"" + Checksums.hex(crc) + "\"\n}\n").getBytes(StandardCharsets.US_ASCII));
        byte[] bytes = out.toByteArray();
        files.write(FileNames.MANIFEST, o -> o.write(bytes));
    }
}
