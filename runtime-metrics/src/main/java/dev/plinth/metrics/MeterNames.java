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
    /** Gauge: the configured {@code maxKeys} per scope, 0 when there is no quota. */
    public static final String QUOTA_LIMIT = "plinth.storage.quota.limit";
    /** Gauge, tag {@code plugin}: live keys in the plugin's scope; registered only when {@code maxKeys} is set. */
    public static final String KEYS = "plinth.storage.keys";
    /** Gauge: lock handles held by plugins now. */
    public static final String LOCKS_HELD = "plinth.storage.locks.held";
    /** Gauge, tag {@code plugin}: active watch subscriptions. */
    public static final String WATCH_SUBSCRIPTIONS = "plinth.storage.watch.subscriptions";
    /** Gauge, tag {@code plugin}: change events buffered for the plugin's watch listeners now. */
    public static final String WATCH_BUFFERED = "plinth.storage.watch.buffered";
    /** Counter (near cache on): reads answered from the cache. */
    public static final String CACHE_HITS = "plinth.storage.cache.hits";
    /** Counter (near cache on): reads that went to the backend. */
    public static final String CACHE_MISSES = "plinth.storage.cache.misses";
    /** Counter (near cache on): cached keys forgotten because they changed, here or in another process. */
    public static final String CACHE_INVALIDATIONS = "plinth.storage.cache.invalidations";
    /** Counter (near cache on): entries dropped to stay within the bound or the ttl cap. */
    public static final String CACHE_EVICTIONS = "plinth.storage.cache.evictions";
    /** Counter (near cache on): whole scopes forgotten (clear, pattern delete, change-feed gap). */
    public static final String CACHE_SCOPE_DROPS = "plinth.storage.cache.scope.drops";
    /** Gauge (near cache on): entries cached now (an estimate). */
    public static final String CACHE_SIZE = "plinth.storage.cache.size";
    /**
     * Gauge, tag {@code figure}: a numeric detail of the storage health probe, for example Redis's
     * {@code poolActive}, {@code poolIdle}, {@code poolWaiting}, {@code pingMillis} or the JSON-file
     * provider's {@code journalBytes}.
     */
    public static final String BACKEND = "plinth.storage.backend";
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
    /** Tag: the name of a backend figure (a health probe detail). */
    public static final String TAG_FIGURE = "figure";
    /** Tag: the simple class name of the exception a call threw. */
    public static final String TAG_EXCEPTION = "exception";

    private MeterNames() {}
}
