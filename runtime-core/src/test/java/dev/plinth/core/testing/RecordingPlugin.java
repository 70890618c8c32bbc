package dev.plinth.core.testing;

import dev.plinth.api.plugin.Plugin;
import dev.plinth.api.plugin.PluginContext;
import dev.plinth.core.lifecycle.PluginMdc;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.slf4j.MDC;

/**
 * A plugin that appends {@code "<phase> <id>"} to a shared log on every lifecycle call, records the MDC
 * values, thread and context class loader it saw, and can be told to throw or hang in a phase.
 */
public class RecordingPlugin implements Plugin {
    /** An MDC key a host might set; recorded in {@link #hostMdcSeen}. */
    public static final String HOST_MDC_KEY = "host.request";

    private final String id;
    private final List<String> log;
    private Set<String> required = Set.of();
    private Set<String> optional = Set.of();
    private RuntimeException failInit;
    private RuntimeException failStart;
    private RuntimeException failShutdown;
    private CountDownLatch hangInitUntil;
    private CountDownLatch hangStartUntil;
    private CountDownLatch hangShutdownUntil;
    private boolean ignoreInterrupts;
    private Consumer<PluginContext> onInit = c -> {};
    public volatile PluginContext context;
    public final List<String> mdcSeen = new java.util.concurrent.CopyOnWriteArrayList<>();
    public volatile Thread shutdownThread;
    /** Phase to the thread that ran it. */
    public final Map<String, Thread> threads = new ConcurrentHashMap<>();
    /** Phase to the context class loader of the thread that ran it. */
    public final Map<String, ClassLoader> contextLoaders = new ConcurrentHashMap<>();
    /** {@code "<phase>=<value of HOST_MDC_KEY>"} per call. */
    public final List<String> hostMdcSeen = new java.util.concurrent.CopyOnWriteArrayList<>();

    public RecordingPlugin(String id, List<String> log) {
        this.id = id;
        this.log = log;
    }

    public RecordingPlugin requires(String... ids) {
        required = Set.of(ids);
        return this;
    }

    public RecordingPlugin optionallyUses(String... ids) {
        optional = Set.of(ids);
        return this;
    }

    public RecordingPlugin failInit(RuntimeException e) {
        failInit = e;
        return this;
    }

    public RecordingPlugin failStart(RuntimeException e) {
        failStart = e;
        return this;
    }

    public RecordingPlugin failShutdown(RuntimeException e) {
        failShutdown = e;
        return this;
    }

    /** Init blocks until the latch opens (or the thread is interrupted), then goes on. */
    public RecordingPlugin hangInit(CountDownLatch until) {
        hangInitUntil = until;
        return this;
    }

    /** Start blocks until the latch opens (or the thread is interrupted), then goes on. */
    public RecordingPlugin hangStart(CountDownLatch until) {
        hangStartUntil = until;
        return this;
    }

    /** Shutdown blocks until the latch opens (or the thread is interrupted), then goes on. */
    public RecordingPlugin hangShutdown(CountDownLatch until) {
        hangShutdownUntil = until;
        return this;
    }

    /** A hang logs {@code "interrupted <id>"} on an interrupt and keeps waiting for its latch. */
    public RecordingPlugin ignoringInterrupts() {
        ignoreInterrupts = true;
        return this;
    }

    public RecordingPlugin onInit(Consumer<PluginContext> action) {
        onInit = action;
        return this;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Set<String> requiredDependencies() {
        return required;
    }

    @Override
    public Set<String> optionalDependencies() {
        return optional;
    }

    @Override
    public void init(PluginContext ctx) {
        context = ctx;
        record("init");
        if (failInit != null) {
            throw failInit;
        }
        hang(hangInitUntil);
        onInit.accept(ctx);
    }

    @Override
    public void start() {
        record("start");
        if (failStart != null) {
            throw failStart;
        }
        hang(hangStartUntil);
    }

    @Override
    public void shutdown() {
        shutdownThread = Thread.currentThread();
        record("shutdown");
        hang(hangShutdownUntil);
        if (failShutdown != null) {
            throw failShutdown;
        }
    }

    private void hang(CountDownLatch until) {
        if (until == null) {
            return;
        }
        while (true) {
            try {
                until.await();
                return;
            } catch (InterruptedException e) {
                log.add("interrupted " + id);
                if (!ignoreInterrupts) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void record(String phase) {
        Thread current = Thread.currentThread();
        threads.put(phase, current);
        if (current.getContextClassLoader() != null) {
            contextLoaders.put(phase, current.getContextClassLoader());
        }
        mdcSeen.add(phase + "=" + MDC.get(PluginMdc.KEY));
        hostMdcSeen.add(phase + "=" + MDC.get(HOST_MDC_KEY));
        log.add(phase + " " + id);
    }
}
