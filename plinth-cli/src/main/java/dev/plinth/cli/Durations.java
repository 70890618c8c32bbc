package dev.plinth.cli;

import dev.plinth.core.config.ConfigValues;
import java.time.Duration;
import picocli.CommandLine;

/** Reads {@code --ttl 10m} the way configuration durations are read ({@code 500ms}, {@code 30s}, {@code 2h}). */
final class Durations implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return ConfigValues.parseDuration("--ttl", "the command line", value);
        } catch (RuntimeException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        return d.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .toString()
                .substring(2)
                .toLowerCase(java.util.Locale.ROOT);
    }
}
