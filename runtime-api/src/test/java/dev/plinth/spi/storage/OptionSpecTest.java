package dev.plinth.spi.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OptionSpecTest {
    enum Mode {
        NORMAL,
        FULL
    }

    @Test
    void parsesDurationsWithUnitsAndIso() {
        assertThat(OptionSpec.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(OptionSpec.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(OptionSpec.parseDuration(" 5m ")).isEqualTo(Duration.ofMinutes(5));
        assertThat(OptionSpec.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(OptionSpec.parseDuration("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(OptionSpec.parseDuration("PT1.5S")).isEqualTo(Duration.ofMillis(1500));
        assertThatThrownBy(() -> OptionSpec.parseDuration("30")).hasMessageContaining("30s");
        assertThatThrownBy(() -> OptionSpec.parseDuration("3 weeks")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void durationsLongerThanTheMaximumAreRefusedInEveryNotation() {
        assertThat(OptionSpec.parseDuration("36500d")).isEqualTo(Duration.ofDays(36_500));
        for (String tooLong :
                new String[] {"36501d", "999999d", "876001h", "P36501D", "9223372036854775807ms", "100000000000000d"}) {
            assertThatThrownBy(() -> OptionSpec.parseDuration(tooLong))
                    .as(tooLong)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("at most 36500d");
        }
    }

    @Test
    void validatesRangesAndEnums() {
        OptionSpec<Integer> pool = OptionSpec.integer("poolSize", 8, 1, 64, "pool");
        assertThat(pool.parse("16")).isEqualTo(16);
        assertThatThrownBy(() -> pool.parse("0")).hasMessageContaining("between 1 and 64");
        assertThatThrownBy(() -> pool.parse("many")).hasMessageContaining("whole number");
        OptionSpec<Mode> mode = OptionSpec.enumValue("durability", Mode.class, Mode.NORMAL, "d");
        assertThat(mode.parse("Full")).isEqualTo(Mode.FULL);
        assertThatThrownBy(() -> mode.parse("fast")).hasMessageContaining("[normal, full]");
        assertThatThrownBy(() -> OptionSpec.bool("wal", true, "w").parse("yes")).hasMessageContaining("true or false");
    }

    @Test
    void secretValuesNeverAppearInErrorsOrToString() {
        OptionSpec<Integer> secretInt = OptionSpec.integer("n", 1, 1, 2, "n");
        assertThatThrownBy(() -> secretInt.parse("hunter2")).hasMessageContaining("hunter2");
        OptionSpec<String> password = OptionSpec.secret("password", "p");
        assertThat(password.parse("hunter2")).isEqualTo("hunter2");
        assertThat(password.toString()).doesNotContain("hunter2").contains("secret");
        StorageProvider provider = new StorageProvider() {
            @Override
            public String id() {
                return "fake";
            }

            @Override
            public String description() {
                return "fake";
            }

            @Override
            public Set<Capability> capabilities() {
                return Set.of();
            }

            @Override
            public List<OptionSpec<?>> options() {
                return List.of(password);
            }

            @Override
            public int spiVersion() {
                return SPI_VERSION;
            }

            @Override
            public StorageBackend open(ProviderConfig c, BackendContext x) {
                throw new UnsupportedOperationException();
            }
        };
        ProviderConfig config =
                ProviderConfig.builder(provider).set("password", "hunter2").build();
        assertThat(config.get(password)).isEqualTo("hunter2");
        assertThat(config.toString()).doesNotContain("hunter2");
        assertThatThrownBy(() -> ProviderConfig.builder(provider).set("pasword", "hunter2"))
                .hasMessageContaining("pasword")
                .hasMessageNotContaining("hunter2");
    }
}
