package dev.plinth.core.admin;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.plinth.api.storage.StorageException;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.Namespace;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/** Writes the {@link ExportFormat} to a stream, line by line; buffers one Jackson buffer, never the data. */
final class ExportWriter implements AutoCloseable {
    private final JsonGenerator out;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private long entries;

    ExportWriter(OutputStream stream) {
        try {
            out = new JsonFactory().createGenerator(stream, JsonEncoding.UTF8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        out.setRootValueSeparator(null);
    }

    void header(String provider, Instant at) {
        io(() -> {
            out.writeStartObject();
            out.writeStringField("format", ExportFormat.FORMAT);
            out.writeNumberField("version", ExportFormat.VERSION);
            out.writeStringField("provider", provider);
            out.writeStringField("exportedAt", at.toString());
            out.writeEndObject();
            out.writeRaw('\n');
        });
    }

    void entry(Namespace ns, BackendEntry e) {
        io(() -> {
            out.writeStartObject();
            out.writeStringField("scope", ns.path());
            out.writeStringField("key", e.key());
            String text = textOf(e.value());
            if (text != null) {
                out.writeStringField("encoding", ExportFormat.UTF8);
                out.writeStringField("value", text);
            } else {
                out.writeStringField("encoding", ExportFormat.BASE64);
                out.writeStringField("value", Base64.getEncoder().encodeToString(e.value()));
            }
            out.writeNumberField("version", e.version());
            out.writeNumberField("expiresAt", e.expiresAtMillis());
            out.writeEndObject();
            out.writeRaw('\n');
        });
        entries++;
    }

    /** Writes the trailer and flushes. */
    void end() {
        io(() -> {
            out.writeStartObject();
            out.writeBooleanField("end", true);
            out.writeNumberField("entries", entries);
            out.writeEndObject();
            out.writeRaw('\n');
            out.flush();
        });
    }

    long entries() {
        return entries;
    }

    private @Nullable String textOf(byte[] value) {
        try {
            return utf8.decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    @Override
    public void close() {
        io(out::close);
    }

    private interface IoStep {
        void run() throws IOException;
    }

    private static void io(IoStep step) {
        try {
            step.run();
        } catch (IOException e) {
            throw new StorageException("Cannot write the export: " + e.getMessage(), e);
        }
    }
}
