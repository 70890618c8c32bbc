package dev.plinth.provider.jsonfile.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plinth.provider.jsonfile.CorruptDataFileException;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One namespace's snapshot: a JSON document with one entry per line, streamed in both directions so a
 * large namespace is never held twice in memory as text.
 *
 * <pre>
 * {
 *   "format": 2,
 *   "namespace": "notes/archive",
 *   "entries": [
 *     {"key":"a","value":"{\"title\":\"x\"}","version":7,"crc":"1c2d3e4f"},
 *     {"key":"b","valueBase64":"AAE=","version":9,"expiresAt":1767225600000,"crc":"a0b1c2d3"}
 *   ],
 *   "count": 2
 * }
 * </pre>
 *
 * <p>Format 2 is read line by line: each entry carries its checksum ({@link Checksums}) and
 * {@code count} catches a lost or added line. The lines around the entries (the frame) must together be a
 * JSON document with an empty {@code entries} array. Format 1 (no checksums, no count) is still read, by
 * a streaming parser, so folders of the previous version open.
 */
final class SnapshotFile {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ENTRY_INDENT = "    ";

    private SnapshotFile() {}

    static void write(
            OutputStream out,
            RecordCodec codec,
            String namespacePath,
            Iterable<Map.Entry<String, Item>> items,
            long now)
            throws IOException {
        out.write(("{\n  \"format\": " + RecordCodec.FORMAT + ",\n  \"namespace\": "
                        + MAPPER.writeValueAsString(namespacePath) + ",\n  \"entries\": [")
                .getBytes(StandardCharsets.UTF_8));
        RecordBuffer entry = new RecordBuffer();
        long count = 0;
        for (Map.Entry<String, Item> e : items) {
            if (!e.getValue().liveAt(now)) {
                continue;
            }
            out.write(
                    count == 0 ? "\n".getBytes(StandardCharsets.US_ASCII) : ",\n".getBytes(StandardCharsets.US_ASCII));
            out.write(ENTRY_INDENT.getBytes(StandardCharsets.US_ASCII));
            entry.clear();
            codec.writeEntry(entry, e.getKey(), e.getValue());
            out.write(entry.array(), 0, entry.size());
            count++;
        }
        out.write(((count == 0 ? "],\n" : "\n  ],\n") + "  \"count\": " + count + "\n}\n")
                .getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * @param file the snapshot
     * @param codec reads entries
     * @param expectedNamespace the namespace the manifest says it holds
     * @param format the format of the manifest listing it: 2, or 1 for a folder of the previous version
     * @return its entries
     * @throws CorruptDataFileException naming the line at fault
     */
    static List<Change.Put> read(Path file, RecordCodec codec, String expectedNamespace, int format) {
        return format == 1 ? readFormat1(file, codec, expectedNamespace) : readFormat2(file, codec, expectedNamespace);
    }

    private static List<Change.Put> readFormat2(Path file, RecordCodec codec, String expectedNamespace) {
        List<Change.Put> puts = new ArrayList<>();
        StringBuilder frame = new StringBuilder();
        List<Long> frameLines = new ArrayList<>();
        long line = 0;
        long lastEntryLine = -1;
        boolean lastEntryHadComma = false;
        boolean inEntries = false;
        try (LineReader in = new LineReader(new FileInputStream(file.toFile()))) {
            while (in.next()) {
                line++;
                byte[] bytes = in.buffer();
                int length = in.length();
                if (inEntries && !startsWith(bytes, length, "  ]")) {
                    if (lastEntryLine > 0 && !lastEntryHadComma) {
                        throw new CorruptDataFileException(file, lastEntryLine, "',' missing after the entry", null);
                    }
                    lastEntryHadComma = length > 0 && bytes[length - 1] == ',';
                    int end = lastEntryHadComma ? length - 1 : length;
                    puts.add(readEntry(file, line, codec, bytes, end));
                    lastEntryLine = line;
                    continue;
                }
                if (inEntries) {
                    inEntries = false;
                    if (lastEntryHadComma) {
                        throw new CorruptDataFileException(file, lastEntryLine, "',' after the last entry", null);
                    }
                }
                String text = new String(bytes, 0, length, StandardCharsets.UTF_8);
                frame.append(text).append('\n');
                frameLines.add(line);
                if (text.equals("  \"entries\": [")) {
                    inEntries = true;
                }
            }
        } catch (IOException e) {
            throw OpenFailure.io("cannot read " + file, e);
        }
        if (line == 0) {
            throw new CorruptDataFileException(
                    file,
                    -1,
                    "the file is empty (0 bytes), but a snapshot holds at"
                            + " least its header: it was truncated or replaced",
                    null);
        }
        checkFrame(file, frame.toString(), frameLines, expectedNamespace, puts.size());
        return puts;
    }

    private static Change.Put readEntry(Path file, long line, RecordCodec codec, byte[] bytes, int end) {
        if (!startsWith(bytes, end, ENTRY_INDENT + "{")) {
            throw new CorruptDataFileException(
                    file,
                    line,
                    "expected an entry (a JSON object indented by four"
                            + " spaces) or the line \"  ]\" ending the entries",
                    null);
        }
        int indent = ENTRY_INDENT.length();
        byte[] record = java.util.Arrays.copyOfRange(bytes, indent, end);
        try {
            if (!Checksums.hasSuffix(record, record.length)) {
                throw new IllegalArgumentException("the entry has no checksum (\"crc\" must be its last field)");
            }
            Checksums.verify(record, record.length);
            return codec.readEntry(MAPPER.readTree(record));
        } catch (JsonProcessingException e) {
            throw new CorruptDataFileException(file, line, "invalid JSON: " + e.getOriginalMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new CorruptDataFileException(file, line, e.getMessage(), e);
        } catch (IOException e) {
            throw OpenFailure.io("cannot read " + file, e);
        }
    }

    private static void checkFrame(
            Path file, String frame, List<Long> frameLines, String expectedNamespace, long entries) {
        JsonNode root;
        try {
            root = MAPPER.readTree(frame);
        } catch (JsonProcessingException e) {
            int at = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
            long line = at >= 1 && at <= frameLines.size() ? frameLines.get(at - 1) : -1;
            throw new CorruptDataFileException(file, line, "invalid JSON: " + e.getOriginalMessage(), e);
        }
        try {
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException("a snapshot must be a JSON object");
            }
            long format = RecordCodec.number(root, "format", true);
            if (format != RecordCodec.FORMAT) {
                throw new IllegalArgumentException(
                        "\"format\" must be " + RecordCodec.FORMAT + ", as the manifest says");
            }
            String namespace = RecordCodec.text(root, "namespace");
            if (!expectedNamespace.equals(namespace)) {
                throw new IllegalArgumentException("\"namespace\" is '" + namespace
                        + "' but the manifest lists this file for '" + expectedNamespace + "'");
            }
            JsonNode list = root.get("entries");
            if (list == null || !list.isArray() || !list.isEmpty()) {
                throw new IllegalArgumentException("\"entries\" must be an array with one entry per line");
            }
            long count = RecordCodec.number(root, "count", true);
            if (count != entries) {
                throw new IllegalArgumentException("\"count\" says " + count + " entries but the file holds " + entries
                        + ": entry lines were lost or added");
            }
            for (var it = root.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (!List.of("format", "namespace", "entries", "count").contains(field)) {
                    throw new IllegalArgumentException("unknown field \"" + field + "\"");
                }
            }
        } catch (IllegalArgumentException e) {
            throw new CorruptDataFileException(file, -1, e.getMessage(), e);
        }
    }

    private static boolean startsWith(byte[] bytes, int length, String prefix) {
        if (length < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (bytes[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The previous format: one JSON document without checksums, read by a streaming parser. */
    private static List<Change.Put> readFormat1(Path file, RecordCodec codec, String expectedNamespace) {
        List<Change.Put> puts = new ArrayList<>();
        try (JsonParser p = codec.factory().createParser(file.toFile())) {
            p.setCodec(MAPPER);
            try {
                expect(p, JsonToken.START_OBJECT, "a JSON object");
                String namespace = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken t = p.nextToken();
                    switch (field) {
                        case "format":
                            if (t != JsonToken.VALUE_NUMBER_INT || p.getLongValue() != 1) {
                                throw new IllegalArgumentException("\"format\" must be 1, as the manifest says");
                            }
                            break;
                        case "namespace":
                            namespace = t == JsonToken.VALUE_STRING ? p.getText() : null;
                            if (!expectedNamespace.equals(namespace)) {
                                throw new IllegalArgumentException("\"namespace\" is '" + namespace
                                        + "' but the manifest lists this file for '" + expectedNamespace + "'");
                            }
                            break;
                        case "entries":
                            if (t != JsonToken.START_ARRAY) {
                                throw new IllegalArgumentException("\"entries\" must be an array");
                            }
                            while (p.nextToken() != JsonToken.END_ARRAY) {
                                JsonNode node = p.readValueAsTree();
                                puts.add(codec.readEntry(node));
                            }
                            break;
                        default:
                            throw new IllegalArgumentException("unknown field \"" + field + "\"");
                    }
                }
                if (namespace == null) {
                    throw new IllegalArgumentException("\"namespace\" is missing");
                }
            } catch (IllegalArgumentException e) {
                throw new CorruptDataFileException(file, p.currentLocation().getLineNr(), e.getMessage(), e);
            }
        } catch (JsonProcessingException e) {
            throw new CorruptDataFileException(
                    file,
                    e.getLocation() == null ? -1 : e.getLocation().getLineNr(),
                    "invalid JSON: " + e.getOriginalMessage(),
                    e);
        } catch (IOException e) {
            throw OpenFailure.io("cannot read " + file, e);
        }
        return puts;
    }

    private static void expect(JsonParser p, JsonToken token, String what) throws IOException {
        if (p.nextToken() != token) {
            throw new IllegalArgumentException("expected " + what);
        }
    }
}
