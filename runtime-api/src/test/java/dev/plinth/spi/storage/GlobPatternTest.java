package dev.plinth.spi.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.InvalidPatternException;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GlobPatternTest {

    @ParameterizedTest(name = "''{0}'' matches ''{1}'' = {2}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "*|anything|true",
                "*|\"\"|true",
                "user:*|user:1|true",
                "user:*|user:|true",
                "user:*|users:1|false",
                "user:*|xuser:1|false",
                "*:1|user:1|true",
                "a*b*c|abc|true",
                "a*b*c|aXXbYYc|true",
                "a*b*c|aXXbYY|false",
                "a*a|aaaa|true",
                "a*a|aab|false",
                "?|x|true",
                "?|xy|false",
                "?|\"\"|false",
                "??|ab|true",
                "[abc]|b|true",
                "[abc]|d|false",
                "[a-z]|q|true",
                "[a-z]|Q|false",
                "[!a]|b|true",
                "[!a]|a|false",
                "[^a]|b|true",
                "[^a]|a|false",
                "[]]|]|true",
                "[!]]|]|false",
                "[!]]|x|true",
                "[a-]|-|true",
                "[a-]|b|false",
                "\\*|*|true",
                "\\*|x|false",
                "\\?|?|true",
                "\\[x]|[x]|true",
                "\\\\|\\|true",
                "[\\]]|]|true",
                "a%b|a%b|true",
                "a%b|axb|false",
                "a_b|aXb|false",
                "a.b|aXb|false",
                "a(b|a(b|true",
                "a+|aa|false",
                "user:*:name|user:1:2:name|true",
                "Key|key|false",
            })
    void grammar(String pattern, String key, boolean expected) {
        assertThat(GlobPattern.compile(pattern).matches(key)).isEqualTo(expected);
    }

    @Test
    void questionMarkIsOneCodePointNotOneChar() {
        String emoji = new String(Character.toChars(0x1F600));
        assertThat(GlobPattern.compile("?").matches(emoji)).isTrue();
        assertThat(GlobPattern.compile("??").matches(emoji)).isFalse();
        assertThat(GlobPattern.compile("[\uD83D\uDE00-\uD83D\uDE4F]").matches(emoji))
                .isTrue();
        assertThat(GlobPattern.compile("é*").matches("été")).isTrue();
    }

    @Test
    void literalPrefixStopsAtFirstWildcard() {
        assertThat(GlobPattern.compile("user:*").literalPrefix()).isEqualTo("user:");
        assertThat(GlobPattern.compile("us?r").literalPrefix()).isEqualTo("us");
        assertThat(GlobPattern.compile("a\\*b*").literalPrefix()).isEqualTo("a*b");
        assertThat(GlobPattern.compile("*x").literalPrefix()).isEmpty();
        assertThat(GlobPattern.compile("exact").isLiteral()).isTrue();
        assertThat(GlobPattern.compile("exact*").isLiteral()).isFalse();
        assertThat(GlobPattern.compile("*").matchesEverything()).isTrue();
        assertThat(GlobPattern.compile("**").matchesEverything()).isTrue();
    }

    @Test
    void prefixUpperBoundIsTheNextStringAfterAllPrefixedOnes() {
        assertThat(GlobPattern.compile("user:*").prefixUpperBound()).contains("user;");
        assertThat(GlobPattern.compile("*").prefixUpperBound()).isEmpty();
        assertThat(GlobPattern.upperBoundOf("a\uD7FF")).contains("a\uE000");
        String max = new String(Character.toChars(Character.MAX_CODE_POINT));
        assertThat(GlobPattern.upperBoundOf("a" + max)).contains("b");
        assertThat(GlobPattern.upperBoundOf(max)).isEmpty();
    }

    @Test
    void malformedPatternsNameTheProblemAndIndex() {
        assertThatThrownBy(() -> GlobPattern.compile("ab[cd"))
                .isInstanceOf(InvalidPatternException.class)
                .hasMessageContaining("'ab[cd'")
                .hasMessageContaining("index 2")
                .hasMessageContaining("never closed");
        assertThatThrownBy(() -> GlobPattern.compile("ab\\"))
                .isInstanceOf(InvalidPatternException.class)
                .hasMessageContaining("trailing backslash");
        assertThatThrownBy(() -> GlobPattern.compile("[z-a]"))
                .isInstanceOf(InvalidPatternException.class)
                .hasMessageContaining("reversed");
        assertThatThrownBy(() -> GlobPattern.compile("")).isInstanceOf(InvalidPatternException.class);
        assertThatThrownBy(() -> GlobPattern.compile(null)).isInstanceOf(InvalidPatternException.class);
        assertThatThrownBy(() -> GlobPattern.compile("[")).isInstanceOf(InvalidPatternException.class);
        assertThatThrownBy(() -> GlobPattern.compile("[]")).isInstanceOf(InvalidPatternException.class);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "\uD800*|0|a lone high surrogate before a star",
                "*\uDC00|1|a lone low surrogate at the end",
                "?\uDC00*|1|a lone low surrogate after a wildcard",
                "[\uD800-\uDBFF]|1|a class of high surrogates",
                "\\\uD800|1|an escaped lone surrogate",
                "ab\uDC00\uD800|2|a reversed pair",
            })
    void unpairedSurrogatesAreRejectedWithTheirIndex(String pattern, int index, String why) {
        assertThatThrownBy(() -> GlobPattern.compile(pattern))
                .isInstanceOf(InvalidPatternException.class)
                .hasMessageContaining("unpaired surrogate")
                .hasMessageContaining("index " + index)
                .satisfies(
                        e -> assertThat(((InvalidPatternException) e).index()).isEqualTo(index));
    }

    @Test
    void pairedSurrogatesAreOneCharacterOfThePattern() {
        String emoji = new String(Character.toChars(0x1F600));
        assertThat(GlobPattern.compile(emoji + "*").matches(emoji + "x")).isTrue();
        assertThat(GlobPattern.compile("[" + emoji + "]").matches(emoji)).isTrue();
    }

    @Test
    void elementsAreTheParsedPatternWithEscapesResolvedAndStarsMerged() {
        String emoji = new String(Character.toChars(0x1F600));
        assertThat(GlobPattern.compile("a\\*?**[!x-z" + emoji + "]").elements())
                .containsExactly(
                        new GlobPattern.Literal('a'),
                        new GlobPattern.Literal('*'),
                        GlobPattern.AnyOne.INSTANCE,
                        GlobPattern.AnyRun.INSTANCE,
                        new GlobPattern.OneOf(
                                java.util.List.of(
                                        new GlobPattern.Range('x', 'z'), new GlobPattern.Range(0x1F600, 0x1F600)),
                                true));
    }

    @Test
    void agreesWithAReferenceRegexOnRandomInput() {
        Random random = new Random(42);
        String alphabet = "ab:*?[]!-\\.%";
        for (int round = 0; round < 20_000; round++) {
            String pattern = randomString(random, "ab:*?.%", 1 + random.nextInt(6));
            String key = randomString(random, "ab:.%*?", random.nextInt(8));
            Pattern regex = Pattern.compile(toRegex(pattern), Pattern.DOTALL);
            assertThat(GlobPattern.compile(pattern).matches(key))
                    .as("pattern '%s' key '%s'", pattern, key)
                    .isEqualTo(regex.matcher(key).matches());
        }
        assertThat(alphabet).isNotEmpty();
    }

    private static String randomString(Random r, String chars, int len) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < len; i++) {
            b.append(chars.charAt(r.nextInt(chars.length())));
        }
        return b.toString();
    }

    private static String toRegex(String glob) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                b.append(".*");
            } else if (c == '?') {
                b.append('.');
            } else {
                b.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return b.toString();
    }
}
