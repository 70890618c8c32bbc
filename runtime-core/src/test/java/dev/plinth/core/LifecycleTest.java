package dev.plinth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.plinth.api.ConfigurationException;
import dev.plinth.api.plugin.PluginDescriptor;
import dev.plinth.api.plugin.PluginLifecycleException;
import dev.plinth.api.plugin.PluginLifecycleException.Phase;
import dev.plinth.api.plugin.PluginState;
import dev.plinth.core.config.PlinthConfig;
import dev.plinth.core.testing.FakeProvider;
import dev.plinth.core.testing.RecordingPlugin;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LifecycleTest {
    /** Generous: only "it finishes" is asserted, never how fast. */
    private static final Duration BOUND = Duration.ofSeconds(10);

    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final FakeProvider provider = new FakeProvider();

    private PlinthRuntime runtime(PlinthConfig config, RecordingPlugin... plugins) {
        PlinthRuntime.Builder b =
                PlinthRuntime.builder().config(config).storageProvider(provider).discoverPlugins(false);
        Arrays.stream(plugins).forEach(b::plugin);
        return b.build();
    }

    private PlinthRuntime runtime(RecordingPlugin... plugins) {
        return runtime(PlinthConfig.empty(), plugins);
    }

    private RecordingPlugin plugin(String id) {
        return new RecordingPlugin(id, log);
    }

    private static PlinthConfig startTimeout(String value) {
        return PlinthConfig.builder().set("plinth.runtime.startTimeout", value).build();
    }

    /** The log without the entries abandoned plugin threads add whenever their interrupt arrives. */
    private List<String> withoutInterrupts() {
        synchronized (log) {
            return log.stream().filter(s -> !s.startsWith("interrupted ")).toList();
        }
    }

    /** The overrun's cause is the stuck thread's stack, inside the plugin's lifecycle method. */
    private static void assertStuckIn(PluginLifecycleException e, String method) {
        assertThat(e.getCause()).isNotNull();
        assertThat(e.getCause().getMessage()).startsWith("stack of plinth-" + method + "-");
        assertThat(e.getCause().getStackTrace()).anySatisfy(frame -> {
            assertThat(frame.getClassName()).isEqualTo(RecordingPlugin.class.getName());
            assertThat(frame.getMethodName()).isEqualTo(method);
        });
    }

    @Test
    void onePluginGoesThroughInitStartShutdown() {
        PlinthRuntime rt = runtime(plugin("solo")).start();
        assertThat(rt.state("solo")).isEqualTo(PluginState.STARTED);
        rt.close();
        assertThat(log).containsExactly("init solo", "start solo", "shutdown solo");
        assertThat(rt.state("solo")).isEqualTo(PluginState.STOPPED);
        assertThat(provider.closes).hasValue(1);
    }

    @Test
    void twoPluginsDependencyFirstAndShutdownReversed() {
        PlinthRuntime rt = runtime(plugin("web").requires("db"), plugin("db")).start();
        assertThat(rt.plugins()).extracting(PluginDescriptor::id).containsExactly("db", "web");
        rt.close();
        assertThat(log).containsExactly("init db", "init web", "start db", "start web", "shutdown web", "shutdown db");
    }

    @Test
    void manyPluginsOrderedByDependenciesThenIdAndShutDownInExactReverse() {
        PlinthRuntime rt = runtime(
                        plugin("e"),
                        plugin("d").requires("b"),
                        plugin("c").optionallyUses("a"),
                        plugin("b").requires("a"),
                        plugin("a"),
                        plugin("f").optionallyUses("missing"))
                .start();
        List<String> order = rt.plugins().stream().map(PluginDescriptor::id).toList();
        assertThat(order).containsExactly("a", "b", "c", "d", "e", "f");
        rt.close();
        List<String> shutdowns = log.stream()
                .filter(s -> s.startsWith("shutdown"))
                .map(s -> s.substring(9))
                .toList();
        List<String> reversed = new ArrayList<>(order);
        Collections.reverse(reversed);
        assertThat(shutdowns).isEqualTo(reversed);
        assertThat(log.subList(0, 6)).allMatch(s -> s.startsWith("init"));
    }

    @Test
    void tiesAreBrokenByIdNotRegistrationOrder() {
        PlinthRuntime rt =
                runtime(plugin("zeta"), plugin("alpha"), plugin("mid")).start();
        assertThat(rt.plugins()).extracting(PluginDescriptor::id).containsExactly("alpha", "mid", "zeta");
        rt.close();
    }

    @Test
    void failingInitRollsBackInReverseAndClosesStorage() {
        RecordingPlugin a = plugin("a");
        RecordingPlugin b = plugin("b").requires("a").failInit(new IllegalStateException("boom"));
        RecordingPlugin c = plugin("c").requires("b");
        PlinthRuntime rt = runtime(a, b, c);
        PluginLifecycleException e = catchThrowableOfType(PluginLifecycleException.class, rt::start);
        assertThat(e.pluginId()).isEqualTo("b");
        assertThat(e.phase()).isEqualTo(Phase.INIT);
        assertThat(e)
                .hasMessage("Plugin 'b' failed in init: java.lang.IllegalStateException: boom")
                .hasCauseInstanceOf(IllegalStateException.class);
        assertThat(log).containsExactly("init a", "init b", "shutdown b", "shutdown a");
        assertThat(rt.state("a")).isEqualTo(PluginState.STOPPED);
        assertThat(rt.state("b")).isEqualTo(PluginState.STOPPED);
        assertThat(rt.state("c")).isEqualTo(PluginState.STOPPED);
        assertThat(provider.closes).hasValue(1);
    }

    @Test
    void failingStartRollsBackEverythingInitialisedInReverse() {
        PlinthRuntime rt = runtime(plugin("a"), plugin("b").failStart(new RuntimeException("no port")), plugin("c"));
        assertThatThrownBy(rt::start).isInstanceOfSatisfying(PluginLifecycleException.class, e -> {
            assertThat(e.pluginId()).isEqualTo("b");
            assertThat(e.phase()).isEqualTo(Phase.START);
            assertThat(e.getMessage()).isEqualTo("Plugin 'b' failed in start: java.lang.RuntimeException: no port");
        });
        assertThat(log)
                .containsExactly(
                        "init a", "init b", "init c", "start a", "start b", "shutdown c", "shutdown b", "shutdown a");
        assertThat(provider.closes).hasValue(1);
        assertThatThrownBy(rt::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shutdownErrorsDuringRollbackAreSuppressedOnTheStartFailure() {
        RecordingPlugin a = plugin("a").failShutdown(new IllegalStateException("a cannot stop"));
        RecordingPlugin b = plugin("b").failStart(new IllegalStateException("b cannot start"));
        PluginLifecycleException e = catchThrowableOfType(PluginLifecycleException.class, runtime(a, b)::start);
        assertThat(e.pluginId()).isEqualTo("b");
        assertThat(e.getSuppressed()).hasSize(1);
        assertThat(e.getSuppressed()[0])
                .hasMessage("Plugin 'a' failed in shutdown: java.lang.IllegalStateException: a cannot stop");
        assertThat(log).containsExactly("init a", "init b", "start a", "start b", "shutdown b", "shutdown a");
    }

    @Test
    void failingShutdownDoesNotStopTheOthersAndEveryFailureIsCollected() {
        PlinthRuntime rt = runtime(
                        plugin("a").failShutdown(new RuntimeException("a broke")),
                        plugin("b"),
                        plugin("c").failShutdown(new RuntimeException("c broke")))
                .start();
        PluginLifecycleException e = catchThrowableOfType(PluginLifecycleException.class, rt::close);
        assertThat(e.phase()).isEqualTo(Phase.SHUTDOWN);
        assertThat(e).hasMessage("Shutdown finished with 2 failure(s): plugin 'c', plugin 'a'");
        assertThat(e.getSuppressed())
                .extracting(Throwable::getMessage)
                .containsExactly(
                        "Plugin 'c' failed in shutdown: java.lang.RuntimeException: c broke",
                        "Plugin 'a' failed in shutdown: java.lang.RuntimeException: a broke");
        assertThat(log).endsWith("shutdown c", "shutdown b", "shutdown a");
        assertThat(provider.closes).hasValue(1);
        assertThat(rt.state("a")).isEqualTo(PluginState.STOPPED);
        rt.close();
        assertThat(provider.closes).hasValue(1);
    }

    @Test
    void hangingShutdownIsBoundedAndTheNextPluginStillStops() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        RecordingPlugin hanger = plugin("b").hangShutdown(never);
        PlinthConfig config = PlinthConfig.builder()
                .set("plinth.runtime.shutdownTimeout", "200ms")
                .build();
        PlinthRuntime rt = runtime(config, plugin("a"), hanger).start();
        PluginLifecycleException e = catchThrowableOfType(PluginLifecycleException.class, rt::close);
        assertThat(e.pluginId()).isEqualTo("b");
        assertThat(e.getSuppressed())
                .singleElement()
                .satisfies(s -> assertThat(s)
                        .hasMessage("Plugin 'b' did not finish shutdown within 200ms; no longer waiting for it (thread "
                                + "plinth-shutdown-b interrupted and left running)"));
        assertThat(log).contains("shutdown b", "shutdown a");
        assertThat(provider.closes).hasValue(1);
        hanger.shutdownThread.join();
        assertThat(log).contains("interrupted b");
    }

    @Test
    void hangingInitFailsStartupNamingPluginPhaseAndTimeoutAndRollsBackTheOthersInReverse() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        RecordingPlugin hanger = plugin("c").requires("b").hangInit(never);
        PlinthRuntime rt = runtime(
                startTimeout("200ms"),
                plugin("a"),
                plugin("b").requires("a"),
                hanger,
                plugin("d").requires("c"));
        PluginLifecycleException e =
                assertTimeoutPreemptively(BOUND, () -> catchThrowableOfType(PluginLifecycleException.class, rt::start));
        assertThat(e.pluginId()).isEqualTo("c");
        assertThat(e.phase()).isEqualTo(Phase.INIT);
        assertThat(e)
                .hasMessage("Plugin 'c' did not finish init within 200ms; no longer waiting for it (thread "
                        + "plinth-init-c interrupted and left running)");
        assertStuckIn(e, "init");
        assertThat(e.getSuppressed()).isEmpty();
        // c is abandoned, not shut down: its thread may still be inside init()
        assertThat(withoutInterrupts()).containsExactly("init a", "init b", "init c", "shutdown b", "shutdown a");
        assertThat(List.of("a", "b", "c", "d"))
                .allSatisfy(id -> assertThat(rt.state(id)).isEqualTo(PluginState.STOPPED));
        assertThat(provider.closes).hasValue(1);
        hanger.threads.get("init").join(BOUND.toMillis());
        assertThat(log).contains("interrupted c");
    }

    @Test
    void hangingStartFailsStartupAndShutsDownEveryInitialisedPluginEachStillBounded() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        RecordingPlugin hanger = plugin("b").hangStart(never);
        PlinthConfig config = PlinthConfig.builder()
                .set("plinth.runtime.startTimeout", "200ms")
                .set("plinth.runtime.shutdownTimeout", "200ms")
                .build();
        PlinthRuntime rt = runtime(config, plugin("a").hangShutdown(never), hanger, plugin("c"));
        PluginLifecycleException e =
                assertTimeoutPreemptively(BOUND, () -> catchThrowableOfType(PluginLifecycleException.class, rt::start));
        assertThat(e.pluginId()).isEqualTo("b");
        assertThat(e.phase()).isEqualTo(Phase.START);
        assertThat(e)
                .hasMessage("Plugin 'b' did not finish start within 200ms; no longer waiting for it (thread "
                        + "plinth-start-b interrupted and left running)");
        assertStuckIn(e, "start");
        // the rollback's own hang (a's shutdown) was bounded by shutdownTimeout and is reported with it
        assertThat(e.getSuppressed()).singleElement().isInstanceOfSatisfying(PluginLifecycleException.class, s -> {
            assertThat(s.pluginId()).isEqualTo("a");
            assertThat(s.phase()).isEqualTo(Phase.SHUTDOWN);
            assertThat(s).hasMessageStartingWith("Plugin 'a' did not finish shutdown within 200ms");
        });
        assertThat(withoutInterrupts())
                .containsExactly("init a", "init b", "init c", "start a", "start b", "shutdown c", "shutdown a");
        assertThat(rt.state("b")).isEqualTo(PluginState.STOPPED);
        assertThat(provider.closes).hasValue(1);
    }

    @Test
    void pluginIgnoringInterruptsInInitHoldsUpNeitherTheStartFailureNorAnyClose() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        RecordingPlugin stubborn = plugin("s").hangInit(release).ignoringInterrupts();
        // a close() from another thread while s is in init, as a SIGTERM shutdown hook does: it aborts the
        // startup (or finds the start timeout already fired); either way it waits only for the rollback
        AtomicReference<PlinthRuntime> runtime = new AtomicReference<>();
        AtomicReference<Thread> closer = new AtomicReference<>();
        RecordingPlugin first = plugin("a").onInit(c -> {
            Thread t = new Thread(
                    () -> {
                        while (!log.contains("init s")) {
                            Thread.onSpinWait();
                        }
                        runtime.get().close();
                    },
                    "closer");
            t.setDaemon(true);
            closer.set(t);
            t.start();
        });
        PlinthConfig config = PlinthConfig.builder()
                .set("plinth.runtime.startTimeout", "200ms")
                .set("plinth.runtime.shutdownTimeout", "200ms")
                .build();
        PlinthRuntime rt = runtime(config, first, stubborn.requires("a"));
        runtime.set(rt);
        try {
            assertTimeoutPreemptively(BOUND, () -> {
                assertThatThrownBy(rt::start).isInstanceOfSatisfying(PluginLifecycleException.class, e -> {
                    assertThat(e.pluginId()).isEqualTo("s");
                    assertThat(e.phase()).isEqualTo(Phase.INIT);
                });
                closer.get().join();
                rt.close();
            });
            Thread stuck = stubborn.threads.get("init");
            assertThat(stuck.isAlive())
                    .as("the plugin still ignores the interrupt, nobody waited for it")
                    .isTrue();
            assertThat(stuck.isDaemon()).isTrue();
            assertThat(withoutInterrupts()).containsExactly("init a", "init s", "shutdown a");
            assertThat(provider.closes).hasValue(1);
        } finally {
            release.countDown();
        }
        stubborn.threads.get("init").join(BOUND.toMillis());
        assertThat(log).contains("interrupted s");
    }

    @Test
    void pluginIgnoringInterruptsInShutdownDoesNotHoldUpClose() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        RecordingPlugin stubborn = plugin("s").hangShutdown(release).ignoringInterrupts();
        PlinthConfig config = PlinthConfig.builder()
                .set("plinth.runtime.shutdownTimeout", "200ms")
                .build();
        PlinthRuntime rt = runtime(config, plugin("a"), stubborn).start();
        try {
            PluginLifecycleException e = assertTimeoutPreemptively(
                    BOUND, () -> catchThrowableOfType(PluginLifecycleException.class, rt::close));
            assertThat(e.pluginId()).isEqualTo("s");
            assertThat(stubborn.shutdownThread.isAlive()).isTrue();
            assertThat(withoutInterrupts()).endsWith("shutdown s", "shutdown a");
            assertThat(provider.closes).hasValue(1);
        } finally {
            release.countDown();
        }
    }

    @Test
    void interruptingTheStartingThreadStopsTheWaitForAHangingInit() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        PlinthRuntime rt = runtime(plugin("h").hangInit(never)); // default start timeout: 60s
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread starter = new Thread(
                () -> {
                    try {
                        rt.start();
                    } catch (RuntimeException e) {
                        thrown.set(e);
                        stillInterrupted.set(Thread.currentThread().isInterrupted());
                    }
                },
                "starter");
        assertTimeoutPreemptively(BOUND, () -> {
            starter.start();
            while (!log.contains("init h")) {
                Thread.sleep(5);
            }
            starter.interrupt();
            starter.join();
        });
        assertThat(thrown.get()).isInstanceOfSatisfying(PluginLifecycleException.class, e -> {
            assertThat(e.phase()).isEqualTo(Phase.INIT);
            assertThat(e)
                    .hasMessage("Startup stopped: the starting thread was interrupted while plugin 'h' init() was"
                            + " in progress; what had been initialised was shut down");
        });
        assertThat(stillInterrupted)
                .as("the interrupt status is kept for the host")
                .isTrue();
        // The interrupt was passed on to h, whose init returned, so h was shut down like any initialised plugin.
        assertThat(log).containsExactly("init h", "interrupted h", "shutdown h");
        assertThat(provider.closes).hasValue(1);
    }

    @Test
    void zeroStartTimeoutIsAConfigurationErrorBeforeStorageOpens() {
        PlinthRuntime rt = runtime(startTimeout("0s"), plugin("a"));
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class, rt::start);
        assertThat(e.key()).contains("plinth.runtime.startTimeout");
        assertThat(e).hasMessageContaining("must be positive");
        assertThat(provider.opens).hasValue(0);
        assertThat(log).isEmpty();
    }

    @Test
    void shutdownRunsOnItsOwnThreadWithTheMdcSet() {
        RecordingPlugin a = plugin("a");
        runtime(a).start().close();
        assertThat(a.shutdownThread.getName()).isEqualTo("plinth-shutdown-a");
        assertThat(a.mdcSeen).containsExactly("init=a", "start=a", "shutdown=a");
    }

    @Test
    void everyLifecycleCallRunsOnItsOwnDaemonThreadWithTheCallersMdcAndThePluginsClassLoader() throws Exception {
        RecordingPlugin a = plugin("a");
        Thread me = Thread.currentThread();
        ClassLoader before = me.getContextClassLoader();
        try (URLClassLoader hostLoader = new URLClassLoader(new URL[0], null)) {
            me.setContextClassLoader(hostLoader);
            org.slf4j.MDC.put(RecordingPlugin.HOST_MDC_KEY, "r-7");
            runtime(a).start().close();
        } finally {
            me.setContextClassLoader(before);
            org.slf4j.MDC.remove(RecordingPlugin.HOST_MDC_KEY);
        }
        assertThat(a.hostMdcSeen).containsExactly("init=r-7", "start=r-7", "shutdown=r-7");
        assertThat(a.mdcSeen).containsExactly("init=a", "start=a", "shutdown=a");
        assertThat(a.contextLoaders)
                .containsOnlyKeys("init", "start", "shutdown")
                .allSatisfy((phase, loader) -> assertThat(loader).isSameAs(RecordingPlugin.class.getClassLoader()));
        assertThat(a.threads).allSatisfy((phase, thread) -> {
            assertThat(thread.getName()).isEqualTo("plinth-" + phase + "-a");
            assertThat(thread.isDaemon()).isTrue();
            assertThat(thread).isNotSameAs(me);
        });
    }

    @Test
    void mdcIsRestoredAfterLifecycleCalls() {
        org.slf4j.MDC.put("plinth.plugin", "host");
        try {
            RecordingPlugin a = plugin("a");
            RecordingPlugin b = plugin("b");
            PlinthRuntime rt = runtime(a, b).start();
            assertThat(b.mdcSeen).containsExactly("init=b", "start=b");
            assertThat(org.slf4j.MDC.get("plinth.plugin")).isEqualTo("host");
            rt.close();
        } finally {
            org.slf4j.MDC.remove("plinth.plugin");
        }
    }

    @Test
    void closeIsIdempotentAndWorksFromAnotherThread() throws Exception {
        PlinthRuntime rt = runtime(plugin("a"), plugin("b")).start();
        Thread[] closers = new Thread[3];
        for (int i = 0; i < closers.length; i++) {
            closers[i] = new Thread(rt::close);
            closers[i].start();
        }
        for (Thread t : closers) {
            t.join();
        }
        rt.close();
        assertThat(log.stream().filter(s -> s.startsWith("shutdown"))).containsExactly("shutdown b", "shutdown a");
        assertThat(provider.closes).hasValue(1);
        assertThat(rt.awaitTermination(java.time.Duration.ZERO)).isTrue();
    }

    @Test
    void closeBeforeStartOpensNothingAndForbidsStart() {
        PlinthRuntime rt = runtime(plugin("a"));
        rt.close();
        assertThatThrownBy(rt::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("start() may be called once; this runtime is CLOSED");
        assertThat(provider.opens).hasValue(0);
        assertThat(log).isEmpty();
    }

    @Test
    void storageCloseFailureIsReportedAfterPluginsStopped() {
        provider.failClose = new IllegalStateException("disk gone");
        PlinthRuntime rt = runtime(plugin("a")).start();
        PluginLifecycleException e = catchThrowableOfType(PluginLifecycleException.class, rt::close);
        assertThat(e).hasMessage("Shutdown finished with 1 failure(s): storage");
        assertThat(e.getSuppressed())
                .singleElement()
                .satisfies(s -> assertThat(s).hasMessage("disk gone"));
        assertThat(log).containsExactly("init a", "start a", "shutdown a");
    }

    @Test
    void shutdownHookIsRegisteredOnceAndRemovedByClose() {
        PlinthRuntime rt = runtime(plugin("a")).start();
        assertThat(rt.registerShutdownHook()).isSameAs(rt);
        rt.registerShutdownHook();
        rt.close();
        assertThat(log).containsExactly("init a", "start a", "shutdown a");
    }

    @Test
    void awaitTerminationReturnsOnceClosedFromAnotherThread() throws Exception {
        PlinthRuntime rt = runtime(plugin("a")).registerShutdownHook().start();
        assertThat(rt.awaitTermination(java.time.Duration.ZERO)).isFalse();
        Thread closer = new Thread(rt::close);
        closer.start();
        rt.awaitTermination();
        closer.join();
        assertThat(rt.state("a")).isEqualTo(PluginState.STOPPED);
        assertThat(provider.closes).hasValue(1);
    }

    @Test
    void failedStartAlsoEndsAwaitTermination() throws Exception {
        PlinthRuntime rt =
                runtime(plugin("a").failInit(new IllegalStateException("x"))).registerShutdownHook();
        assertThatThrownBy(rt::start).isInstanceOf(PluginLifecycleException.class);
        assertThat(rt.awaitTermination(java.time.Duration.ZERO)).isTrue();
    }

    @Test
    void startTwiceIsAnIllegalStateAndLeavesPluginsRunning() {
        PlinthRuntime rt = runtime(plugin("a")).start();
        assertThatThrownBy(rt::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("start() may be called once; this runtime is RUNNING");
        assertThat(rt.state("a")).isEqualTo(PluginState.STARTED);
        assertThat(log).containsExactly("init a", "start a");
        rt.close();
    }
}
