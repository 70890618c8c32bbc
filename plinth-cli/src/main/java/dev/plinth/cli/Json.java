package dev.plinth.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/** One-line JSON objects for {@code --json} output, and the value encoding of the export format. */
final class Json {
    private static final JsonFactory FACTORY = new JsonFactory();

    private Json() {}

    /** Builds one object; the consumer writes its fields. */
    interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    static String object(Fields fields) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(w)) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    /** @return the value as text when it is valid UTF-8, else {@code null} */
    static @Nullable String utf8(byte[] value) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Writes {@code encoding} and {@code value} fields as the export format does. */
    static void value(JsonGenerator g, byte[] value) throws IOException {
        String text = utf8(value);
        if (text != null) {
            g.writeStringField("encoding", "utf8");
            g.writeStringField("value", text);
        } else {
            g.writeStringField("encoding", "base64");
            g.writeStringField("value", Base64.getEncoder().encodeToString(value));
        }
    }
}
