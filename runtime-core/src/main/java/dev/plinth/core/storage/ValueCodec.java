package dev.plinth.core.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.plinth.api.storage.SerializationException;
import dev.plinth.api.storage.TypeRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Turns objects into the JSON bytes that are stored, and back. One shared, thread-safe mapper: records,
 * collections and {@code java.time} values are supported; dates are written as ISO-8601 text so other
 * tools can read them; unknown properties are ignored on read so a plugin can drop a field from its
 * record without breaking on data written by an older version.
 */
final class ValueCodec {
    private final ObjectMapper mapper = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    byte[] encode(String key, Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new SerializationException(key, "cannot write " + value.getClass().getName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    <T> T decode(String key, byte[] json, Class<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (IOException e) {
            throw new SerializationException(key, "stored value is not JSON of type " + type.getName() + ": "
                    + describe(e), e);
        }
    }

    <T> T decode(String key, byte[] json, TypeRef<T> type) {
        JavaType javaType = mapper.getTypeFactory().constructType(type.type());
        try {
            return mapper.readValue(json, javaType);
        } catch (IOException e) {
            throw new SerializationException(key, "stored value is not JSON of type " + type.type().getTypeName()
                    + ": " + describe(e), e);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static String describe(IOException e) {
        return e instanceof JsonProcessingException ? ((JsonProcessingException) e).getOriginalMessage()
                : e.getMessage();
    }
}
