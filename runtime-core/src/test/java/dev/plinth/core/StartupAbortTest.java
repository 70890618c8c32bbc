package dev.plinth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.plinth.api.plugin.PluginLifecycleException;
import dev.plinth.api.plugin.PluginLifecycleException.Phase;
import dev.plinth.api.plugin.PluginState;
import dev.plinth.core.config.PlinthConfig;
import dev.plinth.core.testing.FakeProvider;
import dev.plinth.core.testing.RecordingPlugin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@code close()} from another thread (what the shutdown hook does on SIGTERM) while {@code start()} runs
 * aborts the startup instead of waiting for every remaining {@code init} and {@code start}. Every plugin
 * here would block for an hour (the start timeout), so a close that waited for the startup would never
 * finish within {@link #BOUND}; only "it finishes" is asserted, never how fast.
 */
class StartupAbortTest {
    private static final Duration BOUND = Duration.ofSeconds(20);
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final FakeProvider provider = new FakeProvider();
    private final CountDownLatch never = new CountDownLatch(1);

    private PlinthRuntime runtime(String shutdownTimeout, RecordingPlugin... plugins) {
        PlinthConfig config = PlinthConfig.builder()
                .set("plinth.runtime.startTimeout", "1h")
                .set("plinth.runtime.shutdownTimeout", shutdownTimeout)
                .build();
        PlinthRuntime.Builder b =
                PlinthRuntime.builder().config(config).storageProvider(provider).discoverPlugins(false);
        for (RecordingPlugin p : plugins) {
            b.plugin(p);
        }
        return b.build();
    }

    private RecordingPlugin plugin(String id) {
        return new RecordingPlugin(id, log);
    }

    /** Starts on a thread of its own, closes once {@code awaited} is logged, and returns what start() threw. */
    private PluginLifecycleException closeWhenLogged(PlinthRuntime rt, String awaited) {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread starter = new Thread(
                () -> {
                    try {
                        rt.start();
                    } catch (RuntimeException e) {
                        thrown.set(e);
                    }
                },
                "host-main");
        assertTimeoutPreemptively(BOUND, () -> {
            starter.start();
            while (!log.contains(awaited)) {
                Thread.sleep(5);
            }
            rt.close();
            assertThat(rt.awaitTermination(Duration.ZERO))
                    .as("close() returns after the rollback")
                    .isTrue();
            starter.join();
        });
        assertThat(thrown.get()).isInstanceOf(PluginLifecycleException.class);
        return (PluginLifecycleException) thrown.get();
    }

    @Test
    void closeDuringAnInitInterruptsItAndCallsNoFurtherPlugin() {
        PlinthRuntime rt = runtime(
                "10s",
                plugin("a").hangInit(never),
                plugin("b").hangInit(never),
                plugin("c").hangInit(never));
        PluginLifecycleException e = closeWhenLogged(rt, "init a");
        assertThat(e.pluginId()).contains("a");
        assertThat(e.phase()).isEqualTo(Phase.INIT);
        assertThat(e)
                .hasMessage("Startup stopped: the runtime was closed while plugin 'a' init() was in progress;"
                        + " what had been initialised was shut down");
        // a's init returned on the interrupt, so it was initialised and gets its shutdown; b and c never ran.
        assertThat(log).containsExactly("init a", "interrupted a", "shutdown a");
        assertThat(List.of(rt.state("a"), rt.state("b"), rt.state("c"))).containsOnly(PluginState.STOPPED);
        assertThat(provider.closes).hasValue(1);
    }

    @Test
    void closeDuringAStartShutsDownEveryInitialisedPluginInReverse() {
        PlinthRuntime rt = runtime("10s", plugin("a"), plugin("b").hangStart(never), plugin("c"));
        closeWhenLogged(rt, "start b");
        assertThat(log)
                .containsExactly(
                        "init a",
                        "init b",
                        "init c",
                        "start a",
                        "start b",
                        "interrupted b",
                        "shutdown c",
                        "shutdown b",
                        "shutdown a");
        assertThat(provider.closes).hasValue(1);
    }

    @Test
    void aPluginIgnoringTheInterruptIsAbandonedAfterTheShutdownTimeout() {
        PlinthRuntime rt =
                runtime("200ms", plugin("a"), plugin("stubborn").hangInit(never).ignoringInterrupts(), plugin("z"));
        try {
            PluginLifecycleException e = closeWhenLogged(rt, "init stubborn");
            assertThat(e.pluginId()).contains("stubborn");
            assertThat(e.getSuppressed())
                    .anySatisfy(
                            s -> assertThat(s)
                                    .hasMessageStartingWith(
                                            "Plugin 'stubborn' was still in init 200ms after the runtime's thread was interrupted"));
            // stubborn is still inside init(), so it gets no shutdown(); a does; z was never called.
            assertThat(log.stream().filter(s -> !s.startsWith("interrupted ")))
                    .containsExactly("init a", "init stubborn", "shutdown a");
            assertThat(log).contains("interrupted stubborn");
            assertThat(provider.closes).hasValue(1);
        } finally {
            never.countDown();
        }
    }

    @Test
    void theHostThreadDoesNotKeepTheRuntimesInterrupt() {
        AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
        PlinthRuntime rt = runtime("10s", plugin("a").hangInit(never));
        Thread starter = new Thread(() -> {
            try {
                rt.start();
            } catch (RuntimeException expected) {
                interruptedAfter.set(Thread.currentThread().isInterrupted());
            }
        });
        assertTimeoutPreemptively(BOUND, () -> {
            starter.start();
            while (!log.contains("init a")) {
                Thread.sleep(5);
            }
            rt.close();
            starter.join();
        });
        assertThat(interruptedAfter.get())
                .as("the interrupt close() sent is the runtime's own, not the host's")
                .isFalse();
    }

    @Test
    void closeDuringTheStorageOpenStopsTheStartupBeforeAnyPluginAndSaysSo() {
        provider.blockOpen = new CountDownLatch(1);
        PlinthRuntime rt = runtime("10s", plugin("a"));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread starter = new Thread(() -> {
            try {
                rt.start();
            } catch (RuntimeException e) {
                thrown.set(e);
            }
        });
        assertTimeoutPreemptively(BOUND, () -> {
            starter.start();
            while (provider.opens.get() == 0) {
                Thread.sleep(5);
            }
            rt.close();
            starter.join();
        });
        assertThat(thrown.get())
                .isInstanceOfSatisfying(
                        PluginLifecycleException.class,
                        e -> assertThat(e)
                                .hasMessage(
                                        "Startup stopped: the runtime was closed while storage provider 'fake' was opening;"
                                                + " no plugin was called"));
        assertThat(log).isEmpty();
    }

    @Test
    void closeWaitsForAStuckStartupOnlyTwiceTheShutdownBound() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        provider.blockOpen = release;
        provider.openIgnoresInterrupts = true;
        PlinthRuntime rt = runtime("200ms", plugin("a"));
        Thread starter = new Thread(() -> {
            try {
                rt.start();
            } catch (RuntimeException expected) {
                // stopped by close()
            }
        });
        try {
            assertTimeoutPreemptively(BOUND, () -> {
                starter.start();
                while (provider.opens.get() == 0) {
                    Thread.sleep(5);
                }
                rt.close();
            });
            assertThat(starter.isAlive())
                    .as("close() returned while the open still ignores its interrupt")
                    .isTrue();
        } finally {
            release.countDown();
            starter.join(BOUND.toMillis());
        }
        assertThat(starter.isAlive()).isFalse();
        assertThat(log).isEmpty();
        assertThat(rt.awaitTermination(Duration.ZERO)).isTrue();
    }
}
