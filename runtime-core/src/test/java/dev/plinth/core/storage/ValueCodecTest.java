package dev.plinth.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.plinth.api.storage.SerializationException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ValueCodecTest {
    private final ValueCodec codec = new ValueCodec();

    /** Jackson writes this as JSON null, which getObject could never return. */
    static final class WritesNull {
        @JsonValue
        Object value() {
            return null;
        }
    }

    @Test
    void anObjectThatWritesAsJsonNullIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> codec.encode("k", new WritesNull()))
                .isInstanceOfSatisfying(SerializationException.class, e -> {
                    assertThat(e.key()).isEqualTo("k");
                    assertThat(e).hasMessageContaining("JSON null");
                });
    }

    @Test
    void jsonNullDecodesToAnErrorNotToNull() {
        byte[] json = "null".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> codec.decode("k", json, String.class))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("JSON null");
        assertThat(codec.decode("k", "\"null\"".getBytes(StandardCharsets.UTF_8), String.class))
                .isEqualTo("null");
    }

    @Test
    void utf8RefusesUnpairedSurrogatesAndKeepsPairs() {
        assertThat(ValueCodec.utf8("k", "\uD83D\uDE00")).hasSize(4);
        assertThatThrownBy(() -> ValueCodec.utf8("k", "ab\uDC00"))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("U+DC00 at index 2");
        assertThatThrownBy(() -> ValueCodec.utf8("k", "\uD800")).isInstanceOf(SerializationException.class);
    }

    /** A record whose text is not Unicode: Jackson writes the lone surrogate as an escape. */
    record Named(String name) {}

    @Test
    void anObjectHoldingALoneSurrogateIsRefusedLikeText() {
        assertThatThrownBy(() -> codec.encode("k", new Named("x\uD800y")))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("unpaired surrogate U+D800");
        assertThatThrownBy(() -> codec.encode("k", java.util.Map.of("key\uDC00", 1)))
                .isInstanceOf(SerializationException.class);
        assertThat(new String(codec.encode("k", new Named("x\uD83D\uDE00y")), StandardCharsets.UTF_8))
                .contains("\\uD83D\\uDE00");
    }

    @Test
    void jsonNullReadAsATreeIsRefusedToo() {
        byte[] json = "null".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> codec.decode("k", json, com.fasterxml.jackson.databind.JsonNode.class))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("JSON null");
    }
}
