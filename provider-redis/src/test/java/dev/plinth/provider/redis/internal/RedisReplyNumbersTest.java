package dev.plinth.provider.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The byte-level parser of the versions and expiries in script replies agrees with Long.parseLong. */
class RedisReplyNumbersTest {
    private static long parse(String s) {
        return Codec.decimal(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void parsesEveryLengthAndSignLikeLongParseLong() {
        for (String s : new String[] {
            "0",
            "7",
            "-7",
            "42",
            "9007199254740991",
            "1767225600000",
            "999999999999999999",
            "-999999999999999999",
            "1000000000000000000",
            Long.toString(Long.MAX_VALUE),
            Long.toString(Long.MIN_VALUE)
        }) {
            assertThat(parse(s)).as(s).isEqualTo(Long.parseLong(s));
        }
    }

    @Test
    void rejectsWhatIsNotALong() {
        for (String s : new String[] {"", "-", "1.5", "abc", "9223372036854775808", "12a"}) {
            assertThatThrownBy(() -> parse(s)).as(s).isInstanceOf(NumberFormatException.class);
        }
    }
}
