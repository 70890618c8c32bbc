package dev.plinth.spi.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UnicodeTextTest {

    @Test
    void findsTheFirstUnpairedSurrogateAndAcceptsPairs() {
        assertThat(UnicodeText.unpairedSurrogate("plain")).isEqualTo(-1);
        assertThat(UnicodeText.unpairedSurrogate("a\uD83D\uDE00b")).isEqualTo(-1);
        assertThat(UnicodeText.unpairedSurrogate("\uD800")).isZero();
        assertThat(UnicodeText.unpairedSurrogate("ab\uDC00")).isEqualTo(2);
        assertThat(UnicodeText.unpairedSurrogate("a\uDE00\uD83D")).isEqualTo(1);
        assertThat(UnicodeText.unpairedSurrogate("\uD83D\uDE00\uD83D")).isEqualTo(2);
    }

    private static int escapes(String json) {
        return UnicodeText.unpairedSurrogateEscape(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void findsUnpairedSurrogateEscapesInJsonOnly() {
        assertThat(escapes("{\"s\":\"x\\uD83D\\uDE00y\"}")).isEqualTo(-1);
        assertThat(escapes("{\"s\":\"x\\uD800y\"}")).isEqualTo(0xD800);
        assertThat(escapes("{\"s\":\"x\\uDC00\"}")).isEqualTo(0xDC00);
        assertThat(escapes("{\"k\\uD800\":1}")).isEqualTo(0xD800);
        assertThat(escapes("[\"\\uD800\",\"\\uDC00\"]")).isEqualTo(0xD800);
        // An escaped backslash followed by the letters of an escape is text, not a surrogate.
        assertThat(escapes("{\"s\":\"a\\\\uD800\"}")).isEqualTo(-1);
        assertThat(escapes("{\"s\":\"\\n\\u00e9\\t\"}")).isEqualTo(-1);
        assertThat(escapes("\"\\uD800")).isEqualTo(0xD800);
    }
}
