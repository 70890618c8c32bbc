package dev.plinth.core.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.type.TypeFactory;
import com.fasterxml.jackson.databind.util.LRUMap;
import com.fasterxml.jackson.databind.util.LookupCache;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.plinth.api.storage.SerializationException;
import dev.plinth.api.storage.TypeRef;
import dev.plinth.spi.storage.UnicodeText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Turns objects into the JSON bytes that are stored, and back. One shared, thread-safe mapper: records,
 * collections and {@code java.time} values are supported; dates are written as ISO-8601 text so other
 * tools can read them; unknown properties are ignored on read so a plugin can drop a field from its
 * record without breaking on data written by an older version.
 *
 * <p>Jackson caches what it learnt about each class (types, serializers, deserializers), and so keeps
 * the class, and its class loader, reachable. The mapper has a type cache of its own (not Jackson's
 * static default one), and {@link #forgetClasses()} starts over with a fresh mapper when a plugin's
 * class loader is dropped, so that the loader can be collected.
 */
final class ValueCodec {
    private volatile ObjectMapper mapper = newMapper();

    private static ObjectMapper newMapper() {
        ObjectMapper m = new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        m.setTypeFactory(TypeFactory.defaultInstance()
                .withCache((LookupCache<Object, JavaType>) new LRUMap<Object, JavaType>(16, 200)));
        return m;
    }

    /**
     * Forgets every class seen so far; the next encode or decode of each type learns it again. Called
     * when a plugin stops, rare enough that the lost caches do not matter.
     */
    void forgetClasses() {
        mapper = newMapper();
    }

    byte[] encode(String key, Object value) {
        byte[] json;
        try {
            json = mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new SerializationException(
                    key, "cannot write " + value.getClass().getName() + " as JSON: " + e.getOriginalMessage(), e);
        }
        int lone = UnicodeText.unpairedSurrogateEscape(json);
        if (lone >= 0) {
            throw new SerializationException(
                    key,
                    String.format(
                            "%s holds text with an unpaired surrogate U+%04X,"
                                    + " which is not Unicode text; nothing was stored",
                            value.getClass().getName(), lone),
                    null);
        }
        if (isJsonNull(json)) {
            throw new SerializationException(
                    key,
                    value.getClass().getName() + " writes as JSON null, which"
                            + " getObject could not return (empty means absent); store a value, or delete the key",
                    null);
        }
        return json;
    }

    private static boolean isJsonNull(byte[] json) {
        return json.length == 4 && json[0] == 'n' && json[1] == 'u' && json[2] == 'l' && json[3] == 'l';
    }

    /** Jackson maps JSON {@code null} (text {@code null}, for example) to a null object; never returned. */
    private static <T> T notNull(String key, T value) {
        if (value == null || (value instanceof JsonNode node && node.isNull())) {
            throw new SerializationException(
                    key,
                    "stored value is JSON null, which getObject cannot return"
                            + " (an empty result means absent); read it with getString, or delete the key",
                    null);
        }
        return value;
    }

    <T> T decode(String key, byte[] json, Class<T> type) {
        try {
            return notNull(key, mapper.readValue(json, type));
        } catch (IOException e) {
            throw new SerializationException(
                    key, "stored value is not JSON of type " + type.getName() + ": " + describe(e), e);
        }
    }

    <T> T decode(String key, byte[] json, TypeRef<T> type) {
        ObjectMapper m = mapper;
        JavaType javaType = m.getTypeFactory().constructType(type.type());
        try {
            return notNull(key, m.readValue(json, javaType));
        } catch (IOException e) {
            throw new SerializationException(
                    key, "stored value is not JSON of type " + type.type().getTypeName() + ": " + describe(e), e);
        }
    }

    /**
     * @throws SerializationException when {@code s} holds an unpaired surrogate, which UTF-8 cannot encode
     *     (the JDK would store {@code ?} in its place)
     */
    static byte[] utf8(String key, String s) {
        int lone = UnicodeText.unpairedSurrogate(s);
        if (lone >= 0) {
            throw new SerializationException(
                    key,
                    String.format(
                            "text has an unpaired surrogate U+%04X at index %d,"
                                    + " which is not Unicode text and has no UTF-8 form; nothing was stored",
                            (int) s.charAt(lone), lone),
                    null);
        }
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static String describe(IOException e) {
        return e instanceof JsonProcessingException
                ? ((JsonProcessingException) e).getOriginalMessage()
                : e.getMessage();
    }
}
