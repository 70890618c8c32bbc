package dev.plinth.provider.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.spi.storage.GlobPattern;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Listing order, cursor paging, prefix ranges, count and deleteMatching. */
class MemoryListingTest extends BackendFixture {

    private final MemoryStorageBackend backend = open(Map.of());

    private void put(String... keys) {
        for (String k : keys) {
            backend.set(NS, k, bytes(k), 0);
        }
    }

    private List<String> keys(String pattern) {
        return backend.list(NS, GlobPattern.compile(pattern), null, Integer.MAX_VALUE);
    }

    /** Reference order: compare the UTF-8 encodings as unsigned bytes. */
    private static List<String> utf8Sorted(List<String> keys) {
        return keys.stream()
                .sorted((a, b) ->
                        Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)))
                .collect(Collectors.toList());
    }

    @Test
    void listsInUtf8ByteOrderIncludingSupplementaryCharacters() {
        List<String> all = List.of(
                "z",
                "a",
                "\uFFFD",
                "\uE000",
                "\uD83D\uDE00",
                "\u00E9",
                "A",
                "a\uD83D\uDE00",
                "a\uFFFF",
                "\uDBFF\uDFFF",
                "\u4E2D");
        put(all.toArray(new String[0]));
        assertThat(keys("*")).containsExactlyElementsOf(utf8Sorted(all));
        assertThat(keys("*")).containsSubsequence("\uFFFD", "\uD83D\uDE00", "\uDBFF\uDFFF");
        assertThat(keys("a*")).containsExactly("a", "a\uFFFF", "a\uD83D\uDE00");
    }

    @Test
    void pagesWithAfterKeyNeverSkipOrRepeat() {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            all.add(String.format("item:%02d", i));
        }
        put(all.toArray(new String[0]));
        put("other");
        GlobPattern p = GlobPattern.compile("item:*");
        List<String> seen = new ArrayList<>();
        String cursor = null;
        List<Integer> sizes = new ArrayList<>();
        do {
            List<String> page = backend.list(NS, p, cursor, 10);
            seen.addAll(page);
            sizes.add(page.size());
            cursor = page.size() < 10 ? null : page.get(page.size() - 1);
        } while (cursor != null);
        assertThat(seen).containsExactlyElementsOf(all);
        assertThat(sizes).containsExactly(10, 10, 5);
    }

    @Test
    void pagesStopAtTheLimitAndGoOnAfterTheCursor() {
        put("k1", "k2", "k3", "k4", "x");
        assertThat(backend.list(NS, GlobPattern.compile("k*"), null, 2)).containsExactly("k1", "k2");
        assertThat(backend.list(NS, GlobPattern.compile("k*"), "k2", 2)).containsExactly("k3", "k4");
        assertThat(backend.list(NS, GlobPattern.compile("k*"), "k4", 2)).isEmpty();
    }

    @Test
    void afterKeyOutsideThePrefixRangeIsHandled() {
        put("a", "b1", "b2", "c");
        assertThat(backend.list(NS, GlobPattern.compile("b*"), "a", 10)).containsExactly("b1", "b2");
        assertThat(backend.list(NS, GlobPattern.compile("b*"), "b", 10)).containsExactly("b1", "b2");
        assertThat(backend.list(NS, GlobPattern.compile("b*"), "b1", 10)).containsExactly("b2");
        assertThat(backend.list(NS, GlobPattern.compile("b*"), "bz", 10)).isEmpty();
        assertThat(backend.list(NS, GlobPattern.compile("b*"), "zzz", 10)).isEmpty();
        assertThat(backend.list(NS, GlobPattern.compile("b1"), "b0", 10)).containsExactly("b1");
        assertThat(backend.list(NS, GlobPattern.compile("b1"), "b1", 10)).isEmpty();
        assertThat(backend.list(NS, GlobPattern.compile("*"), "b1", 10)).containsExactly("b2", "c");
    }

    @Test
    void prefixPatternsReturnExactlyTheirKeysAmongManyNeighbours() {
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            users.add("user:" + i);
        }
        put(users.toArray(new String[0]));
        // Neighbours on both sides of the prefix range, including the upper bound itself.
        put("use", "user", "user;", "user;0", "user9", "usr", "user\u00FF", "a", "zzz", "user:\uD83D\uDE00");
        List<String> expected = new ArrayList<>(users);
        expected.add("user:\uD83D\uDE00");
        assertThat(keys("user:*")).containsExactlyElementsOf(utf8Sorted(expected));
        assertThat(backend.count(NS, GlobPattern.compile("user:*"))).isEqualTo(501);
        assertThat(keys("user:4?"))
                .containsExactly(
                        "user:40", "user:41", "user:42", "user:43", "user:44", "user:45", "user:46", "user:47",
                        "user:48", "user:49");
        assertThat(keys("user:49*"))
                .containsExactly(
                        "user:49",
                        "user:490",
                        "user:491",
                        "user:492",
                        "user:493",
                        "user:494",
                        "user:495",
                        "user:496",
                        "user:497",
                        "user:498",
                        "user:499");
        assertThat(keys("user:7")).containsExactly("user:7");
        assertThat(keys("user:\uD83D\uDE00*")).containsExactly("user:\uD83D\uDE00");
        assertThat(keys("user*")).hasSize(506);
        assertThat(keys("*;*")).containsExactly("user;", "user;0");
    }

    @Test
    void prefixEndingInTheLastCodePointHasNoUpperBound() {
        String top = "\uDBFF\uDFFF";
        put("a" + top, "a" + top + "x", "a" + top + top, "b", "a");
        assertThat(keys("a" + top + "*")).containsExactly("a" + top, "a" + top + "x", "a" + top + top);
    }

    @Test
    void patternCharactersOfOtherLanguagesAreLiteral() {
        put("50%", "5_0", "a.b", "axb", "(x)", "[1]", "*");
        assertThat(keys("50%")).containsExactly("50%");
        assertThat(keys("a.b")).containsExactly("a.b");
        assertThat(keys("\\[1]")).containsExactly("[1]");
        assertThat(keys("\\*")).containsExactly("*");
        assertThat(keys("[!a-z]*")).containsExactly("(x)", "*", "50%", "5_0", "[1]");
    }

    @Test
    void deleteMatchingDeletesAndReportsEachMatchOnly() {
        put("tmp:1", "tmp:2", "tmp", "keep:1");
        recorder.clear();
        assertThat(backend.deleteMatching(NS, GlobPattern.compile("tmp:*"))).isEqualTo(2);
        assertThat(keys("*")).containsExactly("keep:1", "tmp");
        assertThat(recorder.events())
                .extracting(Event::type)
                .containsOnly(ChangeType.DELETE)
                .hasSize(2);
        assertThat(backend.count(NS, GlobPattern.compile("tmp:*"))).isZero();
    }
}
