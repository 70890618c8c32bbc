package dev.plinth.provider.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scripts as they are sent: loaded from their resources once, fragments and constants in place. */
class LuaScriptTest {
    private static final List<LuaScript> ALL = List.of(
            LuaScript.GET,
            LuaScript.EXISTS,
            LuaScript.COMMIT,
            LuaScript.SET,
            LuaScript.PUT_ALL,
            LuaScript.INCREMENT,
            LuaScript.EXPIRE,
            LuaScript.SCAN_RANGE,
            LuaScript.COUNT_ALL,
            LuaScript.CLEAR,
            LuaScript.COLLECT,
            LuaScript.SWEEP,
            LuaScript.RENEW_LOCK,
            LuaScript.UNLOCK);

    @Test
    void everyScriptIsCodeOnlyWithItsFragmentsAndConstantsResolved() {
        for (LuaScript s : ALL) {
            String body = new String(s.body, StandardCharsets.UTF_8);
            assertThat(body)
                    .as(s.name)
                    .doesNotContain("${")
                    .doesNotContain("--#include")
                    .isNotBlank();
            assertThat(body.lines()).as(s.name).noneMatch(l -> l.strip().startsWith("--"));
            assertThat(new String(s.sha, StandardCharsets.US_ASCII)).as(s.name).matches("[0-9a-f]{40}");
        }
        assertThat(new String(LuaScript.COMMIT.body, StandardCharsets.UTF_8))
                .contains("local function draw(n)")
                .contains("local NOEXP = " + LuaScript.NO_EXPIRY_SCORE)
                .contains("nowus + " + LuaScript.LOSS_MARGIN_MICROS)
                .contains("nowus + " + LuaScript.CLOCK_LEAD_MICROS);
        assertThat(new String(LuaScript.SET.body, StandardCharsets.UTF_8))
                .contains("local t = redis.call('TIME')")
                .doesNotContain("local function");
    }

    @Test
    void aMissingResourceOrConstantFailsLoudly() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LuaScript.load("no-such-script"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no-such-script.lua");
    }
}
