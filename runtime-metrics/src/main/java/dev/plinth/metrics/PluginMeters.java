package dev.plinth.metrics;

import dev.plinth.core.observe.PluginObserver;
import dev.plinth.core.observe.StoreOperation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One plugin's meters, all made up front except the error counters (one per exception type seen, made
 * once). The per-call figures (operation count and time, value bytes) live in {@link CallFigures}, which
 * Micrometer reads as a {@link FunctionTimer} and {@link FunctionCounter}: a call costs one thread-local
 * lookup and a few plain writes, reads the clock for a sample of the fast calls only, and allocates
 * nothing. So the operation timers have count and total time (fast calls' time estimated by sample) but
 * no max, which a full {@link Timer} would keep with a clock reading and a compare-and-set per call.
 */
// Indexing by ordinal is the point: an array read instead of an EnumMap lookup on every store call.
@SuppressWarnings("EnumOrdinal")
final class PluginMeters implements PluginObserver {
    private static final StoreOperation[] OPERATIONS = StoreOperation.values();

    private final MeterRegistry registry;
    private final String pluginId;
    private final CallFigures calls = new CallFigures(OPERATIONS.length);
    private final ConcurrentHashMap<Class<?>, Counter>[] errors;
    private final Timer lockWait;
    private final Counter lockTimeouts;
    private final Counter watchOverflows;
    private final Counter watchDropped;

    @SuppressWarnings({"unchecked", "rawtypes"})
    PluginMeters(MeterRegistry registry, String pluginId) {
        this.registry = registry;
        this.pluginId = pluginId;
        this.errors = new ConcurrentHashMap[OPERATIONS.length];
        for (StoreOperation op : OPERATIONS) {
            int i = op.ordinal();
            FunctionTimer.builder(
                            MeterNames.OPERATIONS,
                            calls,
                            figures -> figures.count(i),
                            figures -> figures.nanos(i),
                            TimeUnit.NANOSECONDS)
                    .description("Store calls of a plugin, by operation")
                    .tag(MeterNames.TAG_PLUGIN, pluginId)
                    .tag(MeterNames.TAG_OPERATION, op.tag())
                    .register(registry);
            errors[i] = new ConcurrentHashMap<>();
        }
        FunctionCounter.builder(MeterNames.BYTES_WRITTEN, calls, CallFigures::bytesWritten)
                .description("Value bytes written (byte[] and String values)")
                .baseUnit("bytes")
                .tag(MeterNames.TAG_PLUGIN, pluginId)
                .register(registry);
        FunctionCounter.builder(MeterNames.BYTES_READ, calls, CallFigures::bytesRead)
                .description("Value bytes read (byte[] and String values)")
                .baseUnit("bytes")
                .tag(MeterNames.TAG_PLUGIN, pluginId)
                .register(registry);
        lockWait = Timer.builder(MeterNames.LOCK_WAIT)
                .description("Time spent waiting for locks")
                .tag(MeterNames.TAG_PLUGIN, pluginId)
                .register(registry);
        lockTimeouts = Counter.builder(MeterNames.LOCK_TIMEOUTS)
                .description("Locks not taken: lock timed out or tryLock found the lock held")
                .tag(MeterNames.TAG_PLUGIN, pluginId)
                .register(registry);
        watchOverflows = Counter.builder(MeterNames.WATCH_OVERFLOWS)
                .description("OVERFLOW events delivered to watch listeners")
                .tag(MeterNames.TAG_PLUGIN, pluginId)
                .register(registry);
        watchDropped = Counter.builder(MeterNames.WATCH_DROPPED)
                .description("Change events dropped from full watch buffers")
                .tag(MeterNames.TAG_PLUGIN, pluginId)
                .register(registry);
    }

    @Override
    public long start(StoreOperation operation) {
        return calls.start(operation.ordinal());
    }

    @Override
    public void completed(StoreOperation operation, long start) {
        calls.ended(operation.ordinal(), start);
    }

    @Override
    public void completedRead(StoreOperation operation, long start, long bytes) {
        calls.endedRead(operation.ordinal(), start, bytes);
    }

    @Override
    public void completedWrite(StoreOperation operation, long start, long bytes) {
        calls.endedWrite(operation.ordinal(), start, bytes);
    }

    @Override
    public void failed(StoreOperation operation, long start, RuntimeException error) {
        calls.ended(operation.ordinal(), start);
        errors[operation.ordinal()]
                .computeIfAbsent(
                        error.getClass(),
                        type -> Counter.builder(MeterNames.ERRORS)
                                .description("Store calls that threw, by exception type")
                                .tag(MeterNames.TAG_PLUGIN, pluginId)
                                .tag(MeterNames.TAG_OPERATION, operation.tag())
                                .tag(MeterNames.TAG_EXCEPTION, type.getSimpleName())
                                .register(registry))
                .increment();
    }

    @Override
    public void bytesWritten(long bytes) {
        calls.bytesWritten(bytes);
    }

    @Override
    public void bytesRead(long bytes) {
        calls.bytesRead(bytes);
    }

    @Override
    public void lockWaited(long nanos, boolean acquired) {
        lockWait.record(nanos, TimeUnit.NANOSECONDS);
        if (!acquired) {
            lockTimeouts.increment();
        }
    }

    @Override
    public void watchOverflowed(long dropped) {
        watchOverflows.increment();
        watchDropped.increment((double) dropped);
    }
}
