package dev.plinth.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.InvalidKeyException;
import dev.plinth.api.storage.InvalidPatternException;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.KeyRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The storage contract, concern "UnicodeText": run for each provider by {@link StorageContractTck}, whose
 * nested {@code UnicodeText} class extends this one; the fixture (the provider, its engines and stores) is that
 * entry class's.
 */
@SuppressWarnings("try") // try-with-resources keeps subscriptions and locks scoped to the block that needs them
public abstract class UnicodeTextContract extends TckConcern {

    /** @param tck the entry class running this concern */
    protected UnicodeTextContract(StorageContractTck tck) {
        super(tck);
    }

    /** Code points that exercise every translation: glob metacharacters, backend metacharacters, non-BMP. */
    private final int[] alphabet = {
        'a', 'b', 'z', 'A', '0', ':', '/', '*', '?', '[', ']', '\\', '-', '!', '^', '%', '_', '.', '\'', '"', ' ', 0xE9,
        0x20AC, 0xFFFD, 0xE000, 0xFF21, 0x10000, 0x1F600, 0x10FFFF
    };

    private String randomText(Random random, int maxLength) {
        StringBuilder b = new StringBuilder();
        int length = 1 + random.nextInt(maxLength);
        for (int i = 0; i < length; i++) {
            b.appendCodePoint(alphabet[random.nextInt(alphabet.length)]);
        }
        return b.toString();
    }

    private static void appendEscaped(StringBuilder b, int cp) {
        if ("*?[]\\".indexOf(cp) >= 0) {
            b.append('\\');
        }
        b.appendCodePoint(cp);
    }

    /** A random pattern of the grammar: escaped literals, '*', '?', classes with escaped members and ranges. */
    private String randomPattern(Random random, List<String> keys) {
        StringBuilder b = new StringBuilder();
        int tokens = 1 + random.nextInt(5);
        String source = keys.get(random.nextInt(keys.size()));
        int[] cps = source.codePoints().toArray();
        for (int t = 0; t < tokens; t++) {
            int kind = random.nextInt(10);
            if (kind < 4) {
                appendEscaped(b, cps[Math.min(t, cps.length - 1)]);
            } else if (kind < 6) {
                b.append('*');
            } else if (kind < 8) {
                b.append('?');
            } else {
                b.append('[');
                if (random.nextBoolean()) {
                    b.append('!');
                }
                int lo = alphabet[random.nextInt(alphabet.length)];
                int hi = alphabet[random.nextInt(alphabet.length)];
                b.append('\\').appendCodePoint(Math.min(lo, hi));
                if (random.nextBoolean()) {
                    b.append("-\\").appendCodePoint(Math.max(lo, hi));
                }
                b.append(']');
            }
        }
        return b.toString();
    }

    private List<String> randomKeys(Random random, int count) {
        Set<String> keys = new java.util.TreeSet<>(KeyRules.UTF8_ORDER);
        while (keys.size() < count) {
            keys.add(randomText(random, 6));
        }
        return new ArrayList<>(keys);
    }

    @Test
    @DisplayName(
            "KeyValueStore#Patterns: keys and count agree with GlobPattern#matches on random Unicode keys and patterns")
    void listingAgreesWithTheGrammarOnRandomUnicode() {
        Random random = new Random(20261202);
        List<String> keys = randomKeys(random, 80);
        keys.forEach(k -> store().setString(k, "v"));
        assertThat(store().keys("*")).containsExactlyElementsOf(keys);
        for (int i = 0; i < 250; i++) {
            String pattern = randomPattern(random, keys);
            GlobPattern glob = GlobPattern.compile(pattern);
            List<String> expected = keys.stream().filter(glob::matches).collect(Collectors.toList());
            assertThat(store().keys(pattern)).as("keys(%s)", pattern).containsExactlyElementsOf(expected);
            assertThat(store().count(pattern)).as("count(%s)", pattern).isEqualTo(expected.size());
        }
    }

    @Test
    @DisplayName(
            "KeyValueStore#deleteMatching: deletes exactly the keys GlobPattern#matches accepts, on random Unicode keys and patterns")
    void deleteMatchingAgreesWithTheGrammarOnRandomUnicode() {
        Random random = new Random(1402);
        List<String> keys = randomKeys(random, 40);
        for (int i = 0; i < 12; i++) {
            KeyValueStore bucket = store().namespace("d" + i);
            keys.forEach(k -> bucket.setString(k, "v"));
            String pattern = randomPattern(random, keys);
            GlobPattern glob = GlobPattern.compile(pattern);
            List<String> kept = keys.stream().filter(k -> !glob.matches(k)).collect(Collectors.toList());
            assertThat(bucket.deleteMatching(pattern))
                    .as("deleteMatching(%s)", pattern)
                    .isEqualTo(keys.size() - kept.size());
            assertThat(bucket.keys("*"))
                    .as("left after deleteMatching(%s)", pattern)
                    .containsExactlyElementsOf(kept);
        }
    }

    @ParameterizedTest(name = "pattern {index}")
    @ValueSource(strings = {"\uD800*", "*\uDC00", "?\uDC00*", "[\uD800]", "a\uDBFF", "\\\uDC00", "*\uDE00\uD83D"})
    @DisplayName(
            "KeyValueStore#Patterns: a pattern with an unpaired surrogate throws InvalidPatternException on every method; nothing is read or changed")
    void unpairedSurrogatePatternsAreRefused(String pattern) {
        seed(store(), "alpha", "beta", "user:1", "zz", "\uD83D\uDE00");
        List<Executable> calls = List.of(
                () -> store().keys(pattern),
                () -> store().keys(pattern, 10),
                () -> store().keysAfter(pattern, "a", 10),
                () -> store().count(pattern),
                () -> store().deleteMatching(pattern),
                () -> store().watch(pattern, e -> {}));
        for (Executable call : calls) {
            assertThatThrownBy(call::execute)
                    .isInstanceOfSatisfying(
                            InvalidPatternException.class,
                            e -> assertThat(e.getMessage()).contains("unpaired surrogate"));
        }
        assertThat(store().keys("*")).containsExactlyInAnyOrder("alpha", "beta", "user:1", "zz", "\uD83D\uDE00");
    }

    @Test
    @DisplayName(
            "KeyValueStore#keysAfter: a cursor that breaks the key rules throws InvalidKeyException; nothing is read")
    void aCursorNoKeyCouldBeIsRefused() {
        seed(store(), "a", "b");
        for (String cursor : List.of("\uD800", "a\uDC00", "", "bad\u0000")) {
            assertThatThrownBy(() -> store().keysAfter("*", cursor, 10)).isInstanceOf(InvalidKeyException.class);
        }
        assertThat(store().keysAfter("*", "a", 10).keys()).containsExactly("b");
    }
}
