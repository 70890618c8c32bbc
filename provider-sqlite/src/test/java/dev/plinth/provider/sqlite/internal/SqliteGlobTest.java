package dev.plinth.provider.sqlite.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.spi.storage.GlobPattern;
import org.junit.jupiter.api.Test;

/**
 * The GLOB text of a pattern (moved here from runtime-api's GlobPatternTest with the translation itself).
 * That SQLite then selects exactly what GlobPattern.matches accepts is SqliteEscapingTest's job.
 */
class SqliteGlobTest {
    private static String glob(String pattern) {
        return SqliteGlob.of(GlobPattern.compile(pattern));
    }

    @Test
    void globCharactersInLiteralsBecomeOneCharacterClasses() {
        assertThat(glob("a\\*b*")).isEqualTo("a[*]b*");
        assertThat(glob("\\?\\[")).isEqualTo("[?][[]");
        assertThat(glob("\\]")).as("']' outside a class is literal in GLOB").isEqualTo("]");
        assertThat(glob("%_")).as("LIKE's wildcards mean nothing to GLOB").isEqualTo("%_");
        assertThat(glob("a?**b")).as("stars already merged").isEqualTo("a?*b");
    }

    @Test
    void classesPutTheBracketFirstAndTheDashAndCaretLast() {
        assertThat(glob("[!a-c]")).isEqualTo("[^a-c]");
        assertThat(glob("[^a-c]")).isEqualTo("[^a-c]");
        assertThat(glob("[]a]")).isEqualTo("[]a]");
        assertThat(glob("[a\\-z]")).isEqualTo("[az-]");
        assertThat(glob("[\\^x]")).isEqualTo("[x^]");
        assertThat(glob("[]\\^]")).isEqualTo("[]^]");
        assertThat(glob("[!\\^]")).isEqualTo("[^^]");
    }

    /** '^' must never lead a plain class, or SQLite reads it as negation. */
    @Test
    void aCaretNeverLeadsAPlainClass() {
        assertThat(glob("[\\^]")).isEqualTo("^");
        assertThat(glob("[\\^\\-]")).isEqualTo("[-^]");
    }

    @Test
    void aRangeOverASpecialCharacterIsSplitAroundIt() {
        // '#'..'/' holds '-': the range is split and '-' goes last.
        assertThat(glob("[#-/]")).isEqualTo("[#-,.-/-]");
        assertThat(glob("[!-/]")).as("'!' first negates; '-' then is a member").isEqualTo("[^/-]");
        // 'A'..'z' holds ']' and '^': both leave the range, ']' first, '^' last.
        assertThat(glob("[A-z]")).isEqualTo("[]A-\\_-z^]");
    }

    @Test
    void astralCharactersStayWholeCodePoints() {
        String emoji = new String(Character.toChars(0x1F600));
        String next = new String(Character.toChars(0x1F601));
        assertThat(glob("[" + emoji + "-" + next + "]x" + emoji)).isEqualTo("[" + emoji + "-" + next + "]x" + emoji);
    }
}
