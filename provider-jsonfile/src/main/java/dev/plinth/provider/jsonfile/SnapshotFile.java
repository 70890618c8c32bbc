package dev.plinth.provider.jsonfile;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 *   "format": 1,
 *   "namespace": "notes/archive",
 *   "entries": [
 *     {"key":"a","value":"{\"title\":\"x\"}","version":7},
 *     {"key":"b","valueBase64":"AAE=","version":9,"expiresAt":1767225600000}
 *   ]
 * }
 * </pre>
 */
final class SnapshotFile {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SnapshotFile() {
    }

    static void write(OutputStream out, RecordCodec codec, String namespacePath, Iterable<Map.Entry<String, Item>> items,
            long now) throws IOException {
        out.write(("{\n  \"format\": " + Manifest.FORMAT + ",\n  \"namespace\": \"" + namespacePath
                + "\",\n  \"entries\": [").getBytes(StandardCharsets.UTF_8));
        boolean first = true;
        for (Map.Entry<String, Item> e : items) {
            if (!e.getValue().liveAt(now)) {
                continue;
            }
            out.write(first ? "\n    ".getBytes(StandardCharsets.US_ASCII) : ",\n    ".getBytes(StandardCharsets.US_ASCII));
            first = false;
            codec.writeEntry(out, e.getKey(), e.getValue());
        }
        out.write((first ? "]\n}\n" : "\n  ]\n}\n").getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * @param file the snapshot
     * @param expectedNamespace the namespace the manifest says it holds
     * @return its entries
     * @throws CorruptDataFileException naming the line at fault
     */
    static List<Change.Put> read(Path file, RecordCodec codec, String expectedNamespace) {
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
                            if (t != JsonToken.VALUE_NUMBER_INT || p.getLongValue() != Manifest.FORMAT) {
                                throw new IllegalArgumentException("\"format\" must be " + Manifest.FORMAT);
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
            throw new CorruptDataFileException(file, e.getLocation() == null ? -1 : e.getLocation().getLineNr(),
                    "invalid JSON: " + e.getOriginalMessage(), e);
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
