package dev.plinth.spi.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.NotACounterException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CountersTest {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1", "-1", "42", "-42", "9223372036854775807", "-9223372036854775808"})
    void canonicalDecimalTextParses(String text) {
        assertThat(Counters.parse("k", ascii(text))).isEqualTo(Long.parseLong(text));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "-",
                "+5",
                "007",
                "00",
                "-0",
                "-007",
                " 1",
                "1 ",
                "1.0",
                "1e3",
                "0x10",
                "\u0661",
                "9223372036854775808",
                "-9223372036854775809",
                "99999999999999999999",
                "123456789012345678901"
            })
    void everythingElseIsNotACounterAndNamesTheKey(String text) {
        assertThatThrownBy(() -> Counters.parse("hits", ascii(text)))
                .isInstanceOf(NotACounterException.class)
                .hasMessageContaining("'hits'")
                .satisfies(e -> assertThat(((NotACounterException) e).key()).isEqualTo("hits"));
    }

    @Test
    void formatIsWhatParseReadsBack() {
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            long v =
                    i < 3 ? new long[] {0, Long.MIN_VALUE, Long.MAX_VALUE}[i] : random.nextLong() >> random.nextInt(64);
            assertThat(Counters.parse("k", Counters.format(v))).isEqualTo(v);
            assertThat(new String(Counters.format(v), StandardCharsets.US_ASCII))
                    .isEqualTo(Long.toString(v));
        }
    }

    @Test
    void addRefusesOverflowInBothDirections() {
        assertThat(Counters.add("k", 5, -7)).isEqualTo(-2);
        assertThat(Counters.add("k", Long.MAX_VALUE - 1, 1)).isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(() -> Counters.add("k", Long.MAX_VALUE, 1))
                .isInstanceOf(NotACounterException.class)
                .hasMessageContaining("overflows");
        assertThatThrownBy(() -> Counters.add("k", Long.MIN_VALUE, -1)).isInstanceOf(NotACounterException.class);
    }
}
