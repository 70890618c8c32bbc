package dev.plinth.provider.jsonfile.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.plinth.spi.storage.KeyRules;
import dev.plinth.spi.storage.Namespace;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The JSON shape of journal lines and snapshot entries. A value is written as {@code "value": text} when
 * its bytes are valid UTF-8 (the usual case: the runtime stores JSON), else as {@code "valueBase64"}, so
 * files stay readable while any bytes round-trip exactly.
 *
 * <p>Journal lines: {@code {"op":"set","ns":..,"key":..,"value":..,"version":..,"expiresAt":..}},
 * {@code {"op":"delete","ns":..,"key":..}}, {@code {"op":"clear","ns":..}}, and for several changes
 * committed together {@code {"op":"tx","ns":..,"writes":[{"op":"set",..},{"op":"delete",..}]}}. A journal
 * of format 2 starts with the header line {@code {"format":2,"journal":<sequence>}}.
 *
 * <p>Every record this class writes (journal line, header, snapshot entry) ends with its checksum
 * ({@link Checksums}); readers check it before they parse, and ignore the {@code crc} field itself.
 */
final class RecordCodec {
    private final JsonFactory factory = new JsonFactory();

    JsonFactory factory() {
        return factory;
    }

    /** The version of the journal and snapshot files this code writes. */
    static final int FORMAT = 2;

    /** A generator for one record: left open at the end, so its checksum can close it. */
    private JsonGenerator recordGenerator(RecordBuffer out) throws IOException {
        JsonGenerator g = factory.createGenerator(out, JsonEncoding.UTF8);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT);
        return g;
    }

    /** Writes the first line of journal {@code sequence}, newline included. */
    void writeJournalHeader(RecordBuffer out, long sequence) throws IOException {
        int start = out.size();
        try (JsonGenerator g = recordGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("format", FORMAT);
            g.writeNumberField("journal", sequence);
        }
        out.closeRecord(start);
        out.write('\n');
    }

    /** Writes one journal line, newline included. */
    void writeJournalLine(RecordBuffer out, Namespace ns, List<Change> changes) throws IOException {
        int start = out.size();
        try (JsonGenerator g = recordGenerator(out)) {
            g.writeStartObject();
            if (changes.size() == 1) {
                Change only = changes.get(0);
                writeOp(g, only);
                g.writeStringField("ns", ns.path());
                writeBody(g, only);
            } else {
                g.writeStringField("op", "tx");
                g.writeStringField("ns", ns.path());
                g.writeArrayFieldStart("writes");
                for (Change c : changes) {
                    g.writeStartObject();
                    writeOp(g, c);
                    writeBody(g, c);
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
        }
        out.closeRecord(start);
        out.write('\n');
    }

    private static void writeOp(JsonGenerator g, Change c) throws IOException {
        g.writeStringField("op", c instanceof Change.Put ? "set" : c instanceof Change.Remove ? "delete" : "clear");
    }

    private static void writeBody(JsonGenerator g, Change c) throws IOException {
        if (c instanceof Change.Put p) {
            writeItemFields(g, p.key(), p.item());
        } else if (c instanceof Change.Remove r) {
            g.writeStringField("key", r.key());
        }
    }

    /** Writes one snapshot entry as a single-line object, without newline. */
    void writeEntry(RecordBuffer out, String key, Item item) throws IOException {
        int start = out.size();
        try (JsonGenerator g = recordGenerator(out)) {
            g.writeStartObject();
            writeItemFields(g, key, item);
        }
        out.closeRecord(start);
    }

    private static void writeItemFields(JsonGenerator g, String key, Item item) throws IOException {
        g.writeStringField("key", key);
        String text = utf8OrNull(item.value());
        if (text != null) {
            g.writeStringField("value", text);
        } else {
            g.writeStringField("valueBase64", Base64.getEncoder().encodeToString(item.value()));
        }
        g.writeNumberField("version", item.version());
        if (item.expiresAt() != 0) {
            g.writeNumberField("expiresAt", item.expiresAt());
        }
    }

    static String utf8OrNull(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                try {
                    CharBuffer chars = StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(bytes));
                    return chars.toString();
                } catch (CharacterCodingException e) {
                    return null;
                }
            }
        }
        return new String(bytes, StandardCharsets.ISO_8859_1); // pure ASCII: the fast path
    }

    /** @return whether a parsed first journal line is a format 2 header rather than a record */
    static boolean isHeader(JsonNode node) {
        return node.isObject() && node.has("journal") && !node.has("op");
    }

    /**
     * @param node a parsed header
     * @param sequence the journal's sequence, from its file name
     * @throws IllegalArgumentException when it is not the header of that journal in format 2
     */
    static void checkHeader(JsonNode node, long sequence) {
        long format = number(node, "format", true);
        if (format != FORMAT) {
            throw new IllegalArgumentException("unsupported journal format " + format + " (this version reads " + FORMAT
                    + " and the header-less format 1)");
        }
        long journal = number(node, "journal", true);
        if (journal != sequence) {
            throw new IllegalArgumentException("the header says this is journal " + journal + ", not " + sequence
                    + ": the file was renamed or copied");
        }
    }

    /** A decoded journal line. */
    record JournalRecord(Namespace ns, List<Change> changes) {}

    /**
     * @param node one parsed journal line
     * @return the record
     * @throws IllegalArgumentException naming what is wrong
     */
    JournalRecord readJournalRecord(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("a journal line must be a JSON object");
        }
        Namespace ns = namespace(node);
        String op = text(node, "op");
        List<Change> changes = new ArrayList<>();
        if (op.equals("tx")) {
            JsonNode writes = node.get("writes");
            if (writes == null || !writes.isArray() || writes.isEmpty()) {
                throw new IllegalArgumentException("\"writes\" must be a non-empty array");
            }
            for (JsonNode w : writes) {
                String wop = text(w, "op");
                if (wop.equals("clear") || wop.equals("tx")) {
                    throw new IllegalArgumentException("\"" + wop + "\" is not allowed inside \"writes\"");
                }
                changes.add(readChange(wop, w));
            }
        } else {
            changes.add(readChange(op, node));
        }
        return new JournalRecord(ns, changes);
    }

    private Change readChange(String op, JsonNode node) {
        switch (op) {
            case "set":
                return new Change.Put(key(node), readItem(node));
            case "delete":
                return new Change.Remove(key(node));
            case "clear":
                return new Change.Clear();
            default:
                throw new IllegalArgumentException("unknown \"op\" '" + op + "' (expected set, delete, clear or tx)");
        }
    }

    /** Reads a snapshot entry or a set record: key, value and version. */
    Change.Put readEntry(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("an entry must be a JSON object");
        }
        return new Change.Put(key(node), readItem(node));
    }

    private static Item readItem(JsonNode node) {
        byte[] value;
        JsonNode text = node.get("value");
        JsonNode b64 = node.get("valueBase64");
        if ((text == null) == (b64 == null)) {
            throw new IllegalArgumentException("exactly one of \"value\" and \"valueBase64\" is required");
        }
        if (text != null) {
            if (!text.isTextual()) {
                throw new IllegalArgumentException("\"value\" must be a string");
            }
            value = text.textValue().getBytes(StandardCharsets.UTF_8);
        } else {
            if (!b64.isTextual()) {
                throw new IllegalArgumentException("\"valueBase64\" must be a string");
            }
            try {
                value = Base64.getDecoder().decode(b64.textValue());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("\"valueBase64\" is not base64: " + e.getMessage(), e);
            }
        }
        long version = number(node, "version", true);
        if (version < 1) {
            throw new IllegalArgumentException("\"version\" must be positive");
        }
        long expiresAt = number(node, "expiresAt", false);
        if (expiresAt < 0) {
            throw new IllegalArgumentException("\"expiresAt\" must not be negative");
        }
        return new Item(value, version, expiresAt);
    }

    static Namespace namespace(JsonNode node) {
        String path = text(node, "ns");
        try {
            return Namespace.parse(path);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("\"ns\" '" + path + "' is not a namespace: " + e.getMessage(), e);
        }
    }

    private static String key(JsonNode node) {
        String key = text(node, "key");
        try {
            return KeyRules.validate(key);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("\"" + field + "\" must be a string");
        }
        return v.textValue();
    }

    static long number(JsonNode node, String field, boolean required) {
        JsonNode v = node.get(field);
        if (v == null) {
            if (required) {
                throw new IllegalArgumentException("\"" + field + "\" is required");
            }
            return 0;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IllegalArgumentException("\"" + field + "\" must be a whole number");
        }
        return v.longValue();
    }
}
