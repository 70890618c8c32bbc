package dev.plinth.spi.storage;

import dev.plinth.api.storage.KeyValueStore;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A typed, validated option a provider accepts, configured as {@code plinth.storage.<provider>.<name>}.
 * Immutable and thread-safe. Create with the static factories.
 *
 * @param <T> the value type
 */
public final class OptionSpec<T> {
    private final String name;
    private final Class<T> type;
    private final @Nullable T defaultValue;
    private final boolean required;
    private final boolean secret;
    private final String description;
    private final Function<String, T> parser;

    private OptionSpec(
            String name,
            Class<T> type,
            @Nullable T defaultValue,
            boolean required,
            boolean secret,
            String description,
            Function<String, T> parser) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
        this.defaultValue = defaultValue;
        this.required = required;
        this.secret = secret;
        this.description = Objects.requireNonNull(description, "description");
        this.parser = parser;
    }

    /**
     * @param name option name
     * @param defaultValue default, or {@code null} for none
     * @param description one line for the docs and errors
     * @return a text option
     */
    public static OptionSpec<String> string(String name, @Nullable String defaultValue, String description) {
        return new OptionSpec<>(name, String.class, defaultValue, false, false, description, s -> s);
    }

    /**
     * A text option whose value is never shown in logs, {@code toString()} or error messages.
     *
     * @param name option name
     * @param description one line for the docs
     * @return a secret text option without default
     */
    public static OptionSpec<String> secret(String name, String description) {
        return new OptionSpec<>(name, String.class, null, false, true, description, s -> s);
    }

    /**
     * @param name option name
     * @param defaultValue default
     * @param min smallest allowed
     * @param max largest allowed
     * @param description one line for the docs
     * @return an integer option
     */
    public static OptionSpec<Integer> integer(String name, int defaultValue, int min, int max, String description) {
        return new OptionSpec<>(name, Integer.class, defaultValue, false, false, description, s -> {
            long v = parseLong(s);
            if (v < min || v > max) {
                throw new IllegalArgumentException("must be between " + min + " and " + max + ", was " + v);
            }
            return (int) v;
        });
    }

    /**
     * @param name option name
     * @param defaultValue default
     * @param min smallest allowed
     * @param max largest allowed
     * @param description one line for the docs
     * @return a long option
     */
    public static OptionSpec<Long> longValue(String name, long defaultValue, long min, long max, String description) {
        return new OptionSpec<>(name, Long.class, defaultValue, false, false, description, s -> {
            long v = parseLong(s);
            if (v < min || v > max) {
                throw new IllegalArgumentException("must be between " + min + " and " + max + ", was " + v);
            }
            return v;
        });
    }

    /**
     * @param name option name
     * @param defaultValue default
     * @param description one line for the docs
     * @return a boolean option ({@code true}/{@code false}, any case)
     */
    public static OptionSpec<Boolean> bool(String name, boolean defaultValue, String description) {
        return new OptionSpec<>(name, Boolean.class, defaultValue, false, false, description, OptionSpec::parseBoolean);
    }

    /**
     * @param name option name
     * @param defaultValue default, or {@code null} for none
     * @param min smallest allowed
     * @param description one line for the docs
     * @return a duration option (see {@link #parseDuration(String)})
     */
    public static OptionSpec<Duration> duration(
            String name, @Nullable Duration defaultValue, Duration min, String description) {
        return new OptionSpec<>(name, Duration.class, defaultValue, false, false, description, s -> {
            Duration d = parseDuration(s);
            if (d.compareTo(min) < 0) {
                throw new IllegalArgumentException("must be at least " + min.toMillis() + "ms, was " + s);
            }
            return d;
        });
    }

    /**
     * @param name option name
     * @param defaultValue default, or {@code null} for none
     * @param description one line for the docs
     * @return a file system path option
     */
    public static OptionSpec<Path> path(String name, @Nullable Path defaultValue, String description) {
        return new OptionSpec<>(name, Path.class, defaultValue, false, false, description, s -> {
            if (s.isBlank()) {
                throw new IllegalArgumentException("must not be blank");
            }
            try {
                return Path.of(s);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("is not a valid path: " + e.getMessage(), e);
            }
        });
    }

    /**
     * @param name option name
     * @param type the enum class; values are matched case-insensitively by constant name
     * @param defaultValue default
     * @param description one line for the docs
     * @param <E> the enum type
     * @return an enum option
     */
    public static <E extends Enum<E>> OptionSpec<E> enumValue(
            String name, Class<E> type, E defaultValue, String description) {
        return new OptionSpec<>(name, type, defaultValue, false, false, description, s -> {
            for (E e : type.getEnumConstants()) {
                if (e.name().equalsIgnoreCase(s.trim())) {
                    return e;
                }
            }
            throw new IllegalArgumentException("must be one of "
                    + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT) + ", was '" + s + "'");
        });
    }

    /**
     * @return a copy of this option that must be configured (its default is ignored)
     */
    public OptionSpec<T> asRequired() {
        return new OptionSpec<>(name, type, null, true, secret, description, parser);
    }

    /**
     * Parses a raw configuration value.
     *
     * @param raw the text, trimmed by the caller or not
     * @return the typed value
     * @throws IllegalArgumentException when invalid; the message says what is expected and, for secret
     *     options, never repeats the value
     */
    public T parse(String raw) {
        Objects.requireNonNull(raw, "raw");
        try {
            return parser.apply(secret ? raw : raw.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(secret ? "invalid value (not shown: secret)" : e.getMessage(), e);
        }
    }

    /** @return the name under {@code plinth.storage.<provider>.} */
    public String name() {
        return name;
    }

    /** @return the value type */
    public Class<T> type() {
        return type;
    }

    /** @return the default, may be {@code null} */
    public @Nullable T defaultValue() {
        return defaultValue;
    }

    /** @return {@code true} when the option must be configured */
    public boolean required() {
        return required;
    }

    /** @return {@code true} when the value must never be shown */
    public boolean secret() {
        return secret;
    }

    /** @return one line for the docs and errors */
    public String description() {
        return description;
    }

    @Override
    public String toString() {
        return name + " (" + type.getSimpleName() + (secret ? ", secret" : ", default " + defaultValue) + ")";
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be a whole number, was '" + s + "'", e);
        }
    }

    /**
     * @param s {@code true} or {@code false}, any case
     * @return the boolean
     * @throws IllegalArgumentException for anything else
     */
    public static boolean parseBoolean(String s) {
        String t = s.trim();
        if (t.equalsIgnoreCase("true")) {
            return true;
        }
        if (t.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("must be true or false, was '" + s + "'");
    }

    /**
     * Parses a duration: a number with a unit ({@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h},
     * {@code 2d}) or ISO-8601 ({@code PT30S}), at most {@link KeyValueStore#MAX_DURATION}. A bare number is
     * rejected: the unit is never guessed.
     *
     * @param s the text
     * @return the duration
     * @throws IllegalArgumentException when it does not parse or is longer than
     *     {@link KeyValueStore#MAX_DURATION}
     */
    public static Duration parseDuration(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("p")) {
                return atMostMax(Duration.parse(t.toUpperCase(Locale.ROOT)), s);
            }
            int i = 0;
            while (i < t.length() && Character.isDigit(t.charAt(i))) {
                i++;
            }
            if (i == 0 || i == t.length()) {
                throw new IllegalArgumentException(
                        "must be a duration such as 250ms, 30s, 5m, 1h or PT30S, was '" + s + "'");
            }
            long n = Long.parseLong(t.substring(0, i));
            switch (t.substring(i).trim()) {
                case "ms":
                    return atMostMax(Duration.ofMillis(n), s);
                case "s":
                    return atMostMax(Duration.ofSeconds(n), s);
                case "m":
                    return atMostMax(Duration.ofMinutes(n), s);
                case "h":
                    return atMostMax(Duration.ofHours(n), s);
                case "d":
                    return atMostMax(Duration.ofDays(n), s);
                default:
                    throw new IllegalArgumentException("unknown unit in '" + s + "'; use ms, s, m, h or d");
            }
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException(
                    "must be a duration such as 250ms, 30s, 5m, 1h or PT30S, was '" + s + "'", e);
        }
    }

    private static Duration atMostMax(Duration d, String s) {
        if (d.compareTo(KeyValueStore.MAX_DURATION) > 0) {
            throw new IllegalArgumentException("must be at most " + KeyValueStore.MAX_DURATION.toDays()
                    + "d (KeyValueStore.MAX_DURATION), was '" + s.trim() + "'");
        }
        return d;
    }
}
