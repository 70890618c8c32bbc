package dev.plinth.spi.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.InvalidKeyException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeyRulesTest {

    @Test
    void acceptsUnicodeUpTo512Utf8Bytes() {
        assertThat(KeyRules.validate("user:1")).isEqualTo("user:1");
        String twoByte = "é".repeat(256);
        assertThat(twoByte.getBytes(StandardCharsets.UTF_8)).hasSize(512);
        assertThat(KeyRules.validate(twoByte)).isEqualTo(twoByte);
        assertThat(KeyRules.validate("a b/c\\d*e?[f]%_\u00a0\uD83D\uDE00")).isNotNull();
    }

    @Test
    void rejectsWithTheKeyAndTheRuleInTheMessage() {
        assertThatThrownBy(() -> KeyRules.validate("é".repeat(256) + "x"))
                .isInstanceOf(InvalidKeyException.class)
                .hasMessageContaining("513 UTF-8 bytes");
        assertThatThrownBy(() -> KeyRules.validate("x".repeat(513)))
                .isInstanceOf(InvalidKeyException.class)
                .hasMessageContaining("longer than 512");
        assertThatThrownBy(() -> KeyRules.validate(""))
                .isInstanceOf(InvalidKeyException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> KeyRules.validate(null))
                .isInstanceOf(InvalidKeyException.class)
                .hasMessageContaining("null");
        assertThatThrownBy(() -> KeyRules.validate("a\nb"))
                .isInstanceOf(InvalidKeyException.class)
                .hasMessageContaining("'a\\u000Ab'")
                .hasMessageContaining("U+000A at index 1");
        assertThatThrownBy(() -> KeyRules.validate("a\u0000")).isInstanceOf(InvalidKeyException.class);
        assertThatThrownBy(() -> KeyRules.validate("a\u007f")).isInstanceOf(InvalidKeyException.class);
        assertThatThrownBy(() -> KeyRules.validate("a\u0085")).isInstanceOf(InvalidKeyException.class);
        assertThatThrownBy(() -> KeyRules.validate("a\uD800"))
                .isInstanceOf(InvalidKeyException.class)
                .hasMessageContaining("unpaired surrogate at index 1");
        assertThatThrownBy(() -> KeyRules.validate("\uDC00a")).isInstanceOf(InvalidKeyException.class);
    }

    @Test
    void utf8OrderEqualsOrderOfEncodedBytes() {
        Random random = new Random(7);
        int[] interesting = {
            'a', 'z', 0x7f + 0x21, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xfffd, 0xffff, 0x10000, 0x1f600, 0x10ffff
        };
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            StringBuilder b = new StringBuilder();
            int len = 1 + random.nextInt(4);
            for (int j = 0; j < len; j++) {
                b.appendCodePoint(interesting[random.nextInt(interesting.length)]);
            }
            keys.add(b.toString());
        }
        List<String> byComparator = new ArrayList<>(keys);
        byComparator.sort(KeyRules.UTF8_ORDER);
        List<String> byBytes = new ArrayList<>(keys);
        byBytes.sort((x, y) ->
                Arrays.compareUnsigned(x.getBytes(StandardCharsets.UTF_8), y.getBytes(StandardCharsets.UTF_8)));
        assertThat(byComparator).containsExactlyElementsOf(byBytes);
        // The case String.compareTo gets wrong:
        assertThat(KeyRules.compareUtf8("\uFFFD", "\uD83D\uDE00")).isNegative();
        assertThat("\uFFFD".compareTo("\uD83D\uDE00")).isPositive();
    }
}
