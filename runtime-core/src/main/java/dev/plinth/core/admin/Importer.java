package dev.plinth.core.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plinth.api.PlinthException;
import dev.plinth.api.storage.StorageException;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.KeyRules;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.Write;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads the {@link ExportFormat} line by line and writes the keys in batches, one backend commit per batch
 * of one scope. A bad line first has the good lines before it written, then stops the import (or, with
 * {@link ImportOptions#keepGoing()}, is counted and skipped), so nothing after a bad line is ever written
 * unless asked. Holds one batch at a time.
 */
final class Importer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ERRORS_KEPT = 100;

    private record Pending(long line, String key, byte[] value, long expiresAt) {}

    private final StorageBackend backend;
    private final InstantSource clock;
    private final ImportOptions options;
    private final Set<String> knownProviders;
    private final long maxValueBytes;
    private final BulkProgress bar;

    private final List<Pending> batch = new ArrayList<>();
    private @Nullable Namespace batchScope;
    private long imported;
    private long skippedExisting;
    private long skippedExpired;
    private final List<String> errors = new ArrayList<>();
    private long errorCount;

    Importer(
            StorageBackend backend,
            InstantSource clock,
            ImportOptions options,
            Set<String> knownProviders,
            long maxValueBytes,
            BulkProgress bar) {
        this.bar = bar;
        this.backend = backend;
        this.clock = clock;
        this.options = options;
        this.knownProviders = knownProviders;
        this.maxValueBytes = maxValueBytes;
    }

    ImportReport run(InputStream in) {
        var decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, decoder), 1 << 16);
        long line = 0;
        long entryLines = 0;
        boolean ended = false;
        while (true) {
            String text;
            try {
                text = reader.readLine();
            } catch (CharacterCodingException e) {
                // Where the line ends cannot be told reliably any more: stop here even with keepGoing.
                flush();
                throw new ExportFormatException(line + 1, "not valid UTF-8 text; import stopped", e);
            } catch (IOException e) {
                flush();
                throw new StorageException("Cannot read the export after line " + line + ": " + e.getMessage(), e);
            }
            if (text == null) {
                break;
            }
            line++;
            if (line == 1) {
                header(text);
                continue;
            }
            if (text.isBlank()) {
                continue;
            }
            if (ended) {
                bad(new ExportFormatException(line, "a line after the closing {\"end\":true} line", null));
                continue;
            }
            try {
                JsonNode node;
                try {
                    node = parse(line, text);
                } catch (ExportFormatException e) {
                    entryLines++; // a damaged key line still counts for the closing line's total
                    throw e;
                }
                if (node.path("end").asBoolean(false)) {
                    ended = true;
                    long declared = longField(line, node, "entries");
                    if (declared != entryLines) {
                        bad(new ExportFormatException(
                                line,
                                "the closing line counts " + declared + " entries but the file holds " + entryLines,
                                null));
                    }
                    continue;
                }
                entryLines++;
                entry(line, node);
            } catch (ExportFormatException e) {
                bad(e);
            }
        }
        if (line == 0) {
            throw new ExportFormatException(1, "the file is empty: an export starts with its header line", null);
        }
        if (!ended) {
            bad(new ExportFormatException(
                    line + 1,
                    "the file ends without its closing {\"end\":true,...} line: it was cut short after line " + line,
                    null));
        }
        flush();
        return new ImportReport(imported, skippedExisting, skippedExpired, errors, errorCount);
    }

    private void header(String text) {
        JsonNode node = parse(1, text);
        if (!ExportFormat.FORMAT.equals(node.path("format").asText(null))) {
            throw new ExportFormatException(
                    1, "not a Plinth export: the header's \"format\" is not \"" + ExportFormat.FORMAT + "\"", null);
        }
        JsonNode version = node.get("version");
        if (version == null || !version.canConvertToInt() || version.intValue() != ExportFormat.VERSION) {
            throw new ExportFormatException(
                    1,
                    "unsupported export format version " + version + "; this Plinth reads version "
                            + ExportFormat.VERSION,
                    null);
        }
        String provider = node.path("provider").asText("");
        if (!knownProviders.contains(provider)) {
            throw new ExportFormatException(
                    1,
                    "the export names an unknown storage provider '" + provider + "' (known: " + knownProviders + ")",
                    null);
        }
    }

    private void entry(long line, JsonNode node) {
        String scopeText = textField(line, node, "scope");
        Namespace ns;
        try {
            ns = Namespace.parse(scopeText);
        } catch (PlinthException e) {
            throw new ExportFormatException(line, "invalid scope '" + scopeText + "': " + e.getMessage(), e);
        }
        String key = textField(line, node, "key");
        try {
            KeyRules.validate(key);
        } catch (PlinthException e) {
            throw new ExportFormatException(line, "invalid key: " + e.getMessage(), e);
        }
        String encoding = textField(line, node, "encoding");
        String value = textField(line, node, "value");
        byte[] bytes;
        if (encoding.equals(ExportFormat.UTF8)) {
            bytes = value.getBytes(StandardCharsets.UTF_8);
        } else if (encoding.equals(ExportFormat.BASE64)) {
            try {
                bytes = Base64.getDecoder().decode(value);
            } catch (IllegalArgumentException e) {
                throw new ExportFormatException(line, "bad base64 in \"value\": " + e.getMessage(), e);
            }
        } else {
            throw new ExportFormatException(line, "unknown \"encoding\" '" + encoding + "' (utf8 or base64)", null);
        }
        if (bytes.length > maxValueBytes) {
            throw new ExportFormatException(
                    line,
                    "the value of key '" + key + "' is " + bytes.length + " bytes, over plinth.storage.maxValueBytes ("
                            + maxValueBytes + ")",
                    null);
        }
        long expiresAt = longField(line, node, "expiresAt");
        if (expiresAt < 0) {
            throw new ExportFormatException(line, "\"expiresAt\" is negative", null);
        }
        if (batchScope == null || !batchScope.equals(ns) || batch.size() >= options.batchSize()) {
            flush();
            batchScope = ns;
        }
        batch.add(new Pending(line, key, bytes, expiresAt));
    }

    /** Writes the pending batch (lines before any bad one), then reports or throws the bad line. */
    private void bad(PlinthException problem) {
        flush();
        if (!options.keepGoing()) {
            throw problem;
        }
        errorCount++;
        if (errors.size() < MAX_ERRORS_KEPT) {
            errors.add(problem.getMessage());
        }
    }

    private void flush() {
        Namespace ns = batchScope;
        if (batch.isEmpty() || ns == null) {
            return;
        }
        long now = clock.millis();
        Set<String> existing = new HashSet<>();
        if (options.onConflict() != OnConflict.OVERWRITE) {
            List<String> keys = batch.stream().map(Pending::key).distinct().toList();
            for (BackendEntry e : backend.read(ns, keys)) {
                existing.add(e.key());
            }
        }
        List<Write> writes = new ArrayList<>(batch.size());
        ImportConflictException conflict = null;
        for (Pending p : batch) {
            if (p.expiresAt != StorageBackend.NO_EXPIRY && p.expiresAt <= now) {
                skippedExpired++;
                continue;
            }
            if (existing.contains(p.key)) {
                if (options.onConflict() == OnConflict.SKIP) {
                    skippedExisting++;
                    continue;
                }
                conflict = new ImportConflictException(p.line, ns.path(), p.key);
                break;
            }
            long ttl = p.expiresAt == StorageBackend.NO_EXPIRY ? StorageBackend.NO_EXPIRY : p.expiresAt - now;
            writes.add(new Write.Put(p.key, p.value, ttl));
        }
        batch.clear();
        if (!writes.isEmpty()) {
            backend.commit(ns, new Commit(List.of(), writes));
            imported += writes.size();
        }
        if (conflict != null) {
            throw conflict;
        }
        bar.update("import", imported + skippedExisting + skippedExpired, -1);
    }

    private static JsonNode parse(long line, String text) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ExportFormatException(line, "not a JSON object (" + e.getOriginalMessage() + ")", e);
        }
        if (node == null || !node.isObject()) {
            throw new ExportFormatException(line, "not a JSON object", null);
        }
        return node;
    }

    private static String textField(long line, JsonNode node, String name) {
        JsonNode v = node.get(name);
        if (v == null || !v.isTextual()) {
            throw new ExportFormatException(line, "missing text field \"" + name + "\"", null);
        }
        return v.textValue();
    }

    private static long longField(long line, JsonNode node, String name) {
        JsonNode v = node.get(name);
        if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
            throw new ExportFormatException(line, "missing integer field \"" + name + "\"", null);
        }
        return v.longValue();
    }
}
