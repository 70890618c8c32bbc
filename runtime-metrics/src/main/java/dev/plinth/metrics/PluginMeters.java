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
import java.util.concurrent.atomic.LongAdder;

/**
 * One plugin's meters, all made up front except the error counters (one per exception type seen, made
 * once). The per-call figures (operation count and time, value bytes) are plain {@link LongAdder}s that
 * Micrometer reads as a {@link FunctionTimer} and {@link FunctionCounter}: a call costs an array index and
 * two or three uncontended adds, no lookup by name, nothing allocated, and no clock read or compare-and-set
 * for a maximum, which a full {@link Timer} would add to every call (it measured at about a third of a
 * memory get's cost). So the operation timers have count and total time but no max.
 */
// Indexing by ordinal is the point: an array read instead of an EnumMap lookup on every store call.
@SuppressWarnings("EnumOrdinal")
final class PluginMeters implements PluginObserver {
    private static final StoreOperation[] OPERATIONS = StoreOperation.values();

    private final MeterRegistry registry;
    private final String pluginId;
    private final LongAdder[] counts = new LongAdder[OPERATIONS.length];
    private final LongAdder[] nanos = new LongAdder[OPERATIONS.length];
    private final ConcurrentHashMap<Class<?>, Counter>[] errors;
    private final LongAdder bytesWritten = new LongAdder();
    private final LongAdder bytesRead = new LongAdder();
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
            LongAdder count = new LongAdder();
            LongAdder total = new LongAdder();
            counts[op.ordinal()] = count;
            nanos[op.ordinal()] = total;
            FunctionTimer.builder(
                            MeterNames.OPERATIONS, count, LongAdder::sum, unused -> total.sum(), TimeUnit.NANOSECONDS)
                    .description("Store calls of a plugin, by operation")
                    .tag(MeterNames.TAG_PLUGIN, pluginId)
                    .tag(MeterNames.TAG_OPERATION, op.tag())
                    .register(registry);
            errors[op.ordinal()] = new ConcurrentHashMap<>();
        }
        FunctionCounter.builder(MeterNames.BYTES_WRITTEN, bytesWritten, LongAdder::sum)
                .description("Value bytes written (byte[] and String values)")
                .baseUnit("bytes")
                .tag(MeterNames.TAG_PLUGIN, pluginId)
                .register(registry);
        FunctionCounter.builder(MeterNames.BYTES_READ, bytesRead, LongAdder::sum)
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
    public void completed(StoreOperation operation, long nanos) {
        int i = operation.ordinal();
        counts[i].increment();
        this.nanos[i].add(nanos);
    }

    @Override
    public void failed(StoreOperation operation, long nanos, RuntimeException error) {
        completed(operation, nanos);
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
        bytesWritten.add(bytes);
    }

    @Override
    public void bytesRead(long bytes) {
        bytesRead.add(bytes);
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
