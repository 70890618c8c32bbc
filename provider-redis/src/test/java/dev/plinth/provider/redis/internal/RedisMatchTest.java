package dev.plinth.provider.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.spi.storage.GlobPattern;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;

/** Plinth's glob in Redis's MATCH dialect: a superset built from the pattern's literal prefix. */
class RedisMatchTest {

    @Test
    void theLiteralPrefixIsEscapedAndWildcardsBecomeOneStar() {
        assertThat(RedisMatch.of(GlobPattern.compile("user:*"))).isEqualTo("user:*");
        assertThat(RedisMatch.of(GlobPattern.compile("a\\*b?"))).isEqualTo("a\\*b*");
        assertThat(RedisMatch.of(GlobPattern.compile("a\\[b\\]-^*"))).isEqualTo("a\\[b\\]\\-\\^*");
        assertThat(RedisMatch.of(GlobPattern.compile("exact\\?"))).isEqualTo("exact\\?");
        assertThat(RedisMatch.of(GlobPattern.compile("[ab]c"))).isEqualTo("*");
        assertThat(RedisMatch.of(GlobPattern.compile("\uD83D\uDE00?"))).isEqualTo("\uD83D\uDE00*");
        assertThat(RedisMatch.escape("a\\b")).isEqualTo("a\\\\b");
    }

    /** What Redis itself selects with the translation: every match of the glob, and only keys with its prefix. */
    @Test
    void redisSelectsASupersetOfTheMatches() {
        String prefix = Backends.uniquePrefix() + "[x]-^\\";
        List<String> keys = List.of("a*b1", "a*bc", "a*", "ab1", "a?b1");
        try (Jedis j = new Jedis("127.0.0.1", RedisServers.sharedPort())) {
            for (String k : keys) {
                j.set(prefix + k, "v");
            }
            GlobPattern glob = GlobPattern.compile("a\\*b?");
            ScanParams p = new ScanParams()
                    .match(RedisMatch.escape(prefix) + RedisMatch.of(glob))
                    .count(1000);
            java.util.Set<String> found = new java.util.TreeSet<>();
            String cursor = "0";
            do {
                var r = j.scan(cursor, p);
                r.getResult().forEach(k -> found.add(k.substring(prefix.length())));
                cursor = r.getCursor();
            } while (!"0".equals(cursor));
            assertThat(found).containsExactlyInAnyOrder("a*b1", "a*bc");
            assertThat(found.stream().filter(glob::matches)).containsExactlyInAnyOrder("a*b1", "a*bc");
        } finally {
            Backends.purge(RedisServers.sharedPort(), prefix);
        }
    }
}
