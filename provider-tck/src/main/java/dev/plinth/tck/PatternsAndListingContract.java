package dev.plinth.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.InvalidArgumentException;
import dev.plinth.api.storage.InvalidPatternException;
import dev.plinth.api.storage.KeyPage;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.spi.storage.KeyRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The storage contract, concern "PatternsAndListing": run for each provider by {@link StorageContractTck}, whose
 * nested {@code PatternsAndListing} class extends this one; the fixture (the provider, its engines and stores) is that
 * entry class's.
 */
@SuppressWarnings("try") // try-with-resources keeps subscriptions and locks scoped to the block that needs them
public abstract class PatternsAndListingContract extends TckConcern {

    /** @param tck the entry class running this concern */
    protected PatternsAndListingContract(StorageContractTck tck) {
        super(tck);
    }

    private List<String> matching(String pattern, String... keys) {
        seed(store(), keys);
        return store().keys(pattern);
    }

    @Test
    @DisplayName("KeyValueStore#Patterns: * matches any run, also none, also separators : and /")
    void star() {
        assertThat(matching("user*", "user", "user:1", "user/2/x", "users", "use", "xuser"))
                .containsExactly("user", "user/2/x", "user:1", "users");
        assertThat(store().keys("*")).hasSize(6);
        assertThat(store().keys("u*1")).containsExactly("user:1");
        assertThat(store().keys("*:*")).containsExactly("user:1");
    }

    @Test
    @DisplayName("KeyValueStore#Patterns: anchored at both ends: a pattern without wildcards matches exactly one key")
    void anchored() {
        assertThat(matching("user:1", "user:1", "user:10", "xuser:1", "user:1x"))
                .containsExactly("user:1");
        assertThat(store().keys("user")).isEmpty();
        assertThat(store().keys("*:1")).containsExactly("user:1", "xuser:1");
        assertThat(store().keys("user:1*")).containsExactly("user:1", "user:10", "user:1x");
    }

    @Test
    @DisplayName("KeyValueStore#Patterns: ? matches exactly one character, a supplementary character included")
    void questionMark() {
        assertThat(matching("a?", "a", "ab", "abc", "a:", "a\u00E9", "a\uD83D\uDE00", "a\u20AC"))
                .containsExactly("a:", "ab", "a\u00E9", "a\u20AC", "a\uD83D\uDE00");
        assertThat(store().keys("a??")).containsExactly("abc");
    }

    @Test
    @DisplayName("KeyValueStore#Patterns: [abc] one of a set, [a-z] one of a range")
    void sets() {
        assertThat(matching("k[ab]", "ka", "kb", "kc", "kab", "k")).containsExactly("ka", "kb");
        store().setString("k5", "x");
        store().setString("kz", "x");
        assertThat(store().keys("k[a-c]")).containsExactly("ka", "kb", "kc");
        assertThat(store().keys("k[0-9x-z]")).containsExactly("k5", "kz");
    }

    @Test
    @DisplayName("KeyValueStore#Patterns: [!a] and [^a] match one character not in the set")
    void negatedSets() {
        assertThat(matching("k[!a]", "ka", "kb", "kc", "k", "kbb")).containsExactly("kb", "kc");
        assertThat(store().keys("k[^ab]")).containsExactly("kc");
    }

    @Test
    @DisplayName("GlobPattern: a ] right after [ or [! is literal")
    void bracketFirstInSet() {
        assertThat(matching("k[]a]", "k]", "ka", "kb")).containsExactly("k]", "ka");
        assertThat(store().keys("k[!]]")).containsExactly("ka", "kb");
    }

    @Test
    @DisplayName("KeyValueStore#Patterns: \\ makes the next character literal: \\* \\? \\[ \\\\")
    void escapes() {
        assertThat(matching("a\\*", "a*", "ab", "a")).containsExactly("a*");
        seed(store(), "a?", "a[b]", "a\\b", "[", "a]");
        assertThat(store().keys("a\\?")).containsExactly("a?");
        assertThat(store().keys("a\\[b]")).containsExactly("a[b]");
        assertThat(store().keys("a\\\\b")).containsExactly("a\\b");
        assertThat(store().keys("\\[")).containsExactly("[");
        assertThat(store().keys("a[\\]]")).containsExactly("a]");
        assertThat(store().keys("\\a\\b")).containsExactly("ab");
    }

    @Test
    @DisplayName("GlobPattern: sets, ranges and negations work on whole characters, supplementary ones included")
    void setsOfUnicodeCharacters() {
        seed(store(), "xa", "xb", "x\u00E9", "x\uD83D\uDE00", "x\uD83D\uDE01", "x\u20AC", "xZ");
        assertThat(store().keys("x[\uD83D\uDE00a]")).containsExactly("xa", "x\uD83D\uDE00");
        assertThat(store().keys("x[\u00E0-\u00FF]")).containsExactly("x\u00E9");
        assertThat(store().keys("x[\uD83D\uDE00-\uD83D\uDE4F]")).containsExactly("x\uD83D\uDE00", "x\uD83D\uDE01");
        assertThat(store().keys("x[!a-z]"))
                .containsExactly("xZ", "x\u00E9", "x\u20AC", "x\uD83D\uDE00", "x\uD83D\uDE01");
        assertThat(store().keys("x[A-Z]")).containsExactly("xZ");
        assertThat(store().count("x?")).isEqualTo(7);
        assertThat(store().keys("*\uD83D\uDE01")).containsExactly("x\uD83D\uDE01");
    }

    @Test
    @DisplayName(
            "KeyValueStore#Patterns: a literal prefix selects exactly its keys, next to U+FFFF, supplementary characters and U+10FFFF")
    void literalPrefixBounds() {
        seed(
                store(),
                "p",
                "p\uFFFF",
                "p\uFFFFx",
                "p\uE000",
                "p\uD83D\uDE00",
                "p\uDBFF\uDFFF",
                "p\uDBFF\uDFFFz",
                "pz",
                "q",
                "o");
        assertThat(store().keys("p\uFFFF*")).containsExactly("p\uFFFF", "p\uFFFFx");
        assertThat(store().keys("p\uE000*")).containsExactly("p\uE000");
        assertThat(store().keys("p\uD83D\uDE00*")).containsExactly("p\uD83D\uDE00");
        assertThat(store().keys("p\uDBFF\uDFFF*")).containsExactly("p\uDBFF\uDFFF", "p\uDBFF\uDFFFz");
        assertThat(store().keys("p*"))
                .containsExactly(
                        "p",
                        "pz",
                        "p\uE000",
                        "p\uFFFF",
                        "p\uFFFFx",
                        "p\uD83D\uDE00",
                        "p\uDBFF\uDFFF",
                        "p\uDBFF\uDFFFz");
        assertThat(store().count("p?*")).isEqualTo(7);
        assertThat(store().keysAfter("p*", "p\uFFFFx", 10).keys())
                .containsExactly("p\uD83D\uDE00", "p\uDBFF\uDFFF", "p\uDBFF\uDFFFz");
    }

    @Test
    @DisplayName("KeyValueStore#Patterns: backends' own metacharacters % _ . ( ) + | $ ^ { } are literal")
    void backendMetacharactersLiteral() {
        seed(store(), "a%c", "abc", "a_c", "a.c", "aXc", "(a)", "a+", "aa", "a|b", "a$", "^a", "{a}", "a{1}");
        assertThat(store().keys("a%c")).containsExactly("a%c");
        assertThat(store().keys("a_c")).containsExactly("a_c");
        assertThat(store().keys("a.c")).containsExactly("a.c");
        assertThat(store().keys("%")).isEmpty();
        assertThat(store().keys("___")).isEmpty();
        assertThat(store().keys("(a)")).containsExactly("(a)");
        assertThat(store().keys("a+")).containsExactly("a+");
        assertThat(store().keys("a|b")).containsExactly("a|b");
        assertThat(store().keys("a$")).containsExactly("a$");
        assertThat(store().keys("^a")).containsExactly("^a");
        assertThat(store().keys("{a}")).containsExactly("{a}");
        assertThat(store().keys("a{1}")).containsExactly("a{1}");
        assertThat(store().keys(".*")).isEmpty();
        assertThat(store().count("a%c")).isEqualTo(1);
        assertThat(store().deleteMatching("a_c")).isEqualTo(1);
        assertThat(store().exists("abc")).isTrue();
    }

    @Test
    @DisplayName("KeyValueStore#Patterns: matching is case-sensitive")
    void caseSensitive() {
        assertThat(matching("A*", "Apple", "apple", "APPLE")).containsExactly("APPLE", "Apple");
        assertThat(store().keys("apple")).containsExactly("apple");
    }

    @Test
    @DisplayName(
            "KeyValueStore#Keys: keys made of glob and separator characters are stored and listed by an escaped pattern")
    void globCharactersInKeys() {
        String key = "a*b?[c]\\d:e/f {g} %h_ \uD83D\uDE00";
        store().setString(key, "x");
        store().setString("a-other", "x");
        assertThat(store().getString(key)).hasValue("x");
        assertThat(store().keys("a\\*b\\?\\[c]\\\\d:e/f {g} %h_ \uD83D\uDE00")).containsExactly(key);
        assertThat(store().keys("a\\*b*")).containsExactly(key);
        assertThat(store().count("a\\**")).isEqualTo(1);
    }

    static Stream<String> malformedPatterns() {
        return Stream.of("[abc", "abc\\", "[z-a]", "", "k[", "[!", "a[\\");
    }

    @ParameterizedTest(name = "pattern \"{0}\"")
    @MethodSource("malformedPatterns")
    @DisplayName(
            "KeyValueStore#Patterns: a malformed pattern throws InvalidPatternException from every method before anything runs")
    void malformedPatternRejected(String pattern) {
        seed(store(), "abc", "k[", "[abc");
        int subscriptions = engine().activeSubscriptions();
        List<Executable> calls = List.of(
                () -> store().keys(pattern),
                () -> store().keys(pattern, 10),
                () -> store().keysAfter(pattern, "a", 10),
                () -> store().count(pattern),
                () -> store().deleteMatching(pattern),
                () -> store().watch(pattern, e -> {}));
        for (Executable call : calls) {
            assertThatThrownBy(call::execute).isInstanceOf(InvalidPatternException.class);
        }
        assertThat(store().keys("*")).containsExactly("[abc", "abc", "k[");
        assertThat(engine().activeSubscriptions()).isEqualTo(subscriptions);
    }

    @Test
    @DisplayName("KeyValueStore#Patterns: keys are listed in UTF-8 byte order (code point order), not UTF-16 order")
    void utf8Order() {
        List<String> expected = List.of(
                "Z",
                "a",
                "ab",
                "b",
                "\u00E9",
                "\u4E2D",
                "\uE000",
                "\uFFFD",
                "\uD83D\uDE00",
                "\uD83D\uDE00a",
                "\uDBFF\uDFFF");
        List<String> shuffled = new ArrayList<>(expected);
        java.util.Collections.shuffle(shuffled, new Random(7));
        seed(store(), shuffled.toArray(String[]::new));
        assertThat(store().keys("*")).containsExactlyElementsOf(expected);
        List<String> paged = new ArrayList<>();
        KeyPage page = store().keys("*", 3);
        paged.addAll(page.keys());
        int guard = 0;
        while (page.hasMore() && guard++ < 100) {
            page = store().keysAfter("*", page.nextCursor(), 3);
            paged.addAll(page.keys());
        }
        assertThat(paged).containsExactlyElementsOf(expected);
        assertThat(store().keysAfter("*", "\uFFFD", 10).keys())
                .containsExactly("\uD83D\uDE00", "\uD83D\uDE00a", "\uDBFF\uDFFF");
        assertThat(store().keysAfter("*", "\uD83D\uDE00", 10).keys()).containsExactly("\uD83D\uDE00a", "\uDBFF\uDFFF");
    }

    private List<String> pageThrough(KeyValueStore s, String pattern, int limit) {
        List<String> all = new ArrayList<>();
        KeyPage page = s.keys(pattern, limit);
        all.addAll(page.keys());
        int guard = 0;
        while (page.hasMore()) {
            assertThat(page.keys()).as("a page with a cursor holds keys").isNotEmpty();
            assertThat(page.keys()).hasSizeLessThanOrEqualTo(limit);
            assertThat(page.nextCursor()).isEqualTo(page.keys().get(page.keys().size() - 1));
            assertThat(guard++).as("pages").isLessThan(10_000);
            page = s.keysAfter(pattern, page.nextCursor(), limit);
            assertThat(page.keys()).hasSizeLessThanOrEqualTo(limit);
            all.addAll(page.keys());
        }
        return all;
    }

    @ParameterizedTest(name = "limit {0}")
    @ValueSource(ints = {1, 7, 25, 1000})
    @DisplayName("KeyValueStore#keys(limit)/keysAfter: paging to the end lists every matching key once, in order")
    void pagingComplete(int limit) {
        List<String> keys = IntStream.range(0, 25)
                .mapToObj(i -> String.format("item:%02d", i))
                .toList();
        seed(store(), keys.toArray(String[]::new));
        seed(store(), "a", "item", "itemz", "j");
        List<String> paged = pageThrough(store(), "item:*", limit);
        assertThat(paged).containsExactlyElementsOf(keys);
        assertThat(pageThrough(store(), "*", limit))
                .containsExactlyElementsOf(store().keys("*"))
                .hasSize(29);
    }

    @Test
    @DisplayName("KeyValueStore#keys(limit): a page has at most limit keys, and the last page has no cursor")
    void pageShape() {
        seed(store(), "a", "b", "c");
        KeyPage first = store().keys("*", 2);
        assertThat(first.keys()).containsExactly("a", "b");
        assertThat(first.nextCursor()).isEqualTo("b");
        KeyPage rest = store().keysAfter("*", "b", 2);
        assertThat(rest.keys()).containsExactly("c");
        assertThat(rest.hasMore()).isFalse();
        KeyPage all = store().keys("*", 3);
        assertThat(all.keys()).containsExactly("a", "b", "c");
        if (all.hasMore()) {
            assertThat(store().keysAfter("*", all.nextCursor(), 3).keys()).isEmpty();
        }
        assertThat(store().keys("*", 4).hasMore()).isFalse();
    }

    @Test
    @DisplayName("KeyValueStore#keysAfter: only keys strictly greater than afterKey, which need not exist")
    void keysAfterStrict() {
        seed(store(), "a", "b", "c", "d");
        assertThat(store().keysAfter("*", "b", 10).keys()).containsExactly("c", "d");
        assertThat(store().keysAfter("*", "bb", 10).keys()).containsExactly("c", "d");
        assertThat(store().keysAfter("*", "d", 10).keys()).isEmpty();
        assertThat(store().keysAfter("[ad]", "a", 10).keys()).containsExactly("d");
    }

    @Test
    @DisplayName("KeyValueStore#keys(limit): limit below 1 throws InvalidArgumentException")
    void limitBelowOne() {
        assertThatThrownBy(() -> store().keys("*", 0)).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> store().keys("*", -1)).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> store().keysAfter("*", "a", 0)).isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    @DisplayName(
            "KeyValueStore#keysAfter: no key present throughout is skipped or repeated while keys are written and deleted between pages")
    void pagingUnderChange() {
        List<String> stable = IntStream.range(0, 40)
                .mapToObj(i -> String.format("k%03d", i * 10))
                .toList();
        seed(store(), stable.toArray(String[]::new));
        seed(store(), "k005", "k155", "k305");
        List<String> seen = new ArrayList<>();
        KeyPage page = store().keys("k*", 6);
        seen.addAll(page.keys());
        int round = 0;
        while (page.hasMore()) {
            // Churn on both sides of the cursor: keys already passed and keys still ahead.
            store().setString(String.format("k%03d", round * 10 + 1), "new");
            store().setString(String.format("k%03d", 399 - round), "new");
            store().delete("k005");
            store().delete("k305");
            round++;
            page = store().keysAfter("k*", page.nextCursor(), 6);
            seen.addAll(page.keys());
        }
        assertThat(seen).doesNotHaveDuplicates();
        assertThat(seen).containsAll(stable);
        assertThat(seen).isSortedAccordingTo(KeyRules.UTF8_ORDER);
    }

    @Test
    @DisplayName("KeyValueStore#keys: listing spans more keys than a backend page (1,500)")
    void manyKeys() {
        Map<String, byte[]> batch = new TreeMap<>();
        for (int i = 0; i < 1500; i++) {
            batch.put(String.format("n:%05d", i), bytes("v"));
        }
        store().setAll(batch);
        store().setString("other", "x");
        assertThat(store().keys("n:*")).containsExactlyElementsOf(batch.keySet());
        assertThat(store().count("n:*")).isEqualTo(1500);
        assertThat(store().count("*")).isEqualTo(1501);
        assertThat(pageThrough(store(), "n:*", 200)).containsExactlyElementsOf(batch.keySet());
    }

    @Test
    @DisplayName("KeyValueStore#count: how many live keys match")
    void count() {
        seed(store(), "a:1", "a:2", "b:1");
        assertThat(store().count("*")).isEqualTo(3);
        assertThat(store().count("a:*")).isEqualTo(2);
        assertThat(store().count("?:1")).isEqualTo(2);
        assertThat(store().count("c*")).isZero();
    }

    @Test
    @DisplayName("KeyValueStore#deleteMatching: deletes every matching live key and only those, returning how many")
    void deleteMatching() {
        seed(store(), "a:1", "a:2", "a", "b:1", "ab:1");
        assertThat(store().deleteMatching("a:*")).isEqualTo(2);
        assertThat(store().keys("*")).containsExactly("a", "ab:1", "b:1");
        assertThat(store().deleteMatching("zzz*")).isZero();
        assertThat(store().deleteMatching("*")).isEqualTo(3);
        assertThat(store().keys("*")).isEmpty();
    }
}
