package dev.plinth.metrics;

/**
 * The name of every meter Plinth registers, and its tags. Tags are the plugin id, the operation and, for
 * errors, the exception's simple class name: all bounded (plugins and exception types are few), never a
 * key, a value or a namespace below the plugin. Prometheus shows the dots as underscores, with
 * {@code _seconds}, {@code _total} or {@code _bytes} after the name as its conventions say.
 */
public final class MeterNames {
    /** Timer, tags {@code plugin}, {@code operation}: every store call, whether it returned or threw. */
    public static final String OPERATIONS = "plinth.storage.operations";
    /** Counter, tags {@code plugin}, {@code operation}, {@code exception}: calls that threw, by type. */
    public static final String ERRORS = "plinth.storage.errors";
    /** Counter (bytes), tag {@code plugin}: value bytes written (byte[] and String values). */
    public static final String BYTES_WRITTEN = "plinth.storage.value.written";
    /** Counter (bytes), tag {@code plugin}: value bytes read (byte[] and String values). */
    public static final String BYTES_READ = "plinth.storage.value.read";
    /** Timer, tag {@code plugin}: how long lock and tryLock waited (taken or not). */
    public static final String LOCK_WAIT = "plinth.storage.lock.wait";
    /** Counter, tag {@code plugin}: locks not taken (lock timed out, or tryLock found it held). */
    public static final String LOCK_TIMEOUTS = "plinth.storage.lock.timeouts";
    /** Counter, tag {@code plugin}: OVERFLOW events delivered to watch listeners (their buffer filled). */
    public static final String WATCH_OVERFLOWS = "plinth.storage.watch.overflows";
    /** Counter, tag {@code plugin}: change events dropped from full watch buffers. */
    public static final String WATCH_DROPPED = "plinth.storage.watch.dropped";
    /** Gauge: 1 when the runtime's health is UP, 0.5 when DEGRADED, 0 when DOWN. */
    public static final String HEALTH = "plinth.health.status";
    /** Gauge: 1 when the runtime is ready (running, storage not DOWN), else 0. */
    public static final String HEALTH_READY = "plinth.health.ready";
    /** Gauge: 1 when the storage probe is UP, 0.5 DEGRADED, 0 DOWN. */
    public static final String HEALTH_STORAGE = "plinth.health.storage";
    /** Gauge, tag {@code plugin}: 1 when the plugin is UP, 0.5 DEGRADED, 0 DOWN. */
    public static final String HEALTH_PLUGIN = "plinth.health.plugin";

    /** Tag: the plugin id. */
    public static final String TAG_PLUGIN = "plugin";
    /** Tag: the operation ({@code dev.plinth.core.observe.StoreOperation#tag()}). */
    public static final String TAG_OPERATION = "operation";
    /** Tag: the simple class name of the exception a call threw. */
    public static final String TAG_EXCEPTION = "exception";

    private MeterNames() {}
}
