package dev.plinth.provider.jsonfile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plinth.spi.storage.Namespace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code manifest.json}: which snapshot file holds each namespace, the first journal to replay over them,
 * and the highest version issued before that journal. Replaced atomically by each compaction, so a crash
 * leaves either the old or the new set of files in force.
 *
 * @param generation the compaction that wrote it (0: none yet)
 * @param journalFrom the first journal sequence to replay
 * @param lastVersion the highest version issued when the snapshots were started
 * @param namespaces namespace path to snapshot file name
 */
record Manifest(long generation, long journalFrom, long lastVersion, Map<String, String> namespaces) {
    static final int FORMAT = 1;
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static Manifest empty() {
        return new Manifest(0, 1, 0, new TreeMap<>());
    }

    static Manifest read(Path file) {
        JsonNode root;
        try {
            root = MAPPER.readTree(readAll(file));
        } catch (JsonProcessingException e) {
            throw new CorruptDataFileException(file, e.getLocation() == null ? -1 : e.getLocation().getLineNr(),
                    "invalid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw OpenFailure.io("cannot read " + file, e);
        }
        try {
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException("the manifest must be a JSON object");
            }
            long format = RecordCodec.number(root, "format", true);
            if (format != FORMAT) {
                throw new IllegalArgumentException("unsupported format " + format + " (this version reads " + FORMAT + ")");
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
                    throw new IllegalArgumentException("'" + e.getKey() + "' is not a namespace: " + bad.getMessage(), bad);
                }
                String name = e.getValue().isTextual() ? e.getValue().textValue() : "";
                // Only names this provider makes: a hand-edited "../x" must never be read or later deleted.
                if (!FileNames.isSnapshot(name) || !name.startsWith(FileNames.namespaceStem(path) + ".g")) {
                    throw new IllegalArgumentException("namespace '" + path + "' maps to '" + name
                            + "', which is not this namespace's snapshot file name");
                }
                files.put(path, name);
            }
            return new Manifest(generation, journalFrom, lastVersion, files);
        } catch (IllegalArgumentException e) {
            throw new CorruptDataFileException(file, -1, e.getMessage(), e);
        }
    }

    /** Reads through {@code java.io}: an interrupt cannot break it, unlike {@code Files.readAllBytes}. */
    static byte[] readAll(Path file) throws IOException {
        try (java.io.FileInputStream in = new java.io.FileInputStream(file.toFile())) {
            return in.readAllBytes();
        }
    }

    void write(Path directory) throws IOException {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("generation", generation);
        root.put("journalFrom", journalFrom);
        root.put("lastVersion", lastVersion);
        ObjectNode ns = root.putObject("namespaces");
        namespaces.forEach(ns::put);
        byte[] bytes = MAPPER.writeValueAsBytes(root);
        AtomicFiles.write(directory, FileNames.MANIFEST, out -> {
            out.write(bytes);
            out.write('\n');
        });
    }
}
