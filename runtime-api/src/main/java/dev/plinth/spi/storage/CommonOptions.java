package dev.plinth.spi.storage;

import java.time.Duration;

/**
 * Options every shipped provider declares with the same name and meaning, so a configuration moves from
 * one provider to another unchanged.
 */
public final class CommonOptions {
    private CommonOptions() {}

    /** Most live keys per namespace (namespace); 0 means unlimited. New keys beyond it are refused. */
    public static final OptionSpec<Long> MAX_KEYS = OptionSpec.longValue(
            "maxKeys",
            0L,
            0L,
            Long.MAX_VALUE,
            "most live keys per scope; a new key beyond it is refused with QuotaExceededException (0 = unlimited)");

    /** How often expired keys are reclaimed in the background. */
    public static final OptionSpec<Duration> SWEEP_INTERVAL = OptionSpec.duration(
            "sweepInterval",
            Duration.ofSeconds(1),
            Duration.ofMillis(10),
            "how often expired keys are reclaimed and EXPIRE events sent");
}
