package dev.plinth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.plinth.api.plugin.PluginDescriptor;
import dev.plinth.api.plugin.PluginLifecycleException;
import dev.plinth.api.plugin.PluginLifecycleException.Phase;
import dev.plinth.api.plugin.PluginState;
import dev.plinth.core.config.PlinthConfig;
import dev.plinth.core.testing.FakeProvider;
import dev.plinth.core.testing.RecordingPlugin;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class LifecycleTest {
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final FakeProvider provider = new FakeProvider();

    private PlinthRuntime runtime(PlinthConfig config, RecordingPlugin... plugins) {
        PlinthRuntime.Builder b = PlinthRuntime.builder().config(config).storageProvider(provider)
                .discoverPlugins(false);
        Arrays.stream(plugins).forEach(b::plugin);
        return b.build();
    }

    private PlinthRuntime runtime(RecordingPlugin... plugins) {
        return runtime(PlinthConfig.empty(), plugins);
    }

    private RecordingPlugin plugin(String id) {
        return new RecordingPlugin(id, log);
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
        PlinthRuntime rt = runtime(plugin("e"), plugin("d").requires("b"), plugin("c").optionallyUses("a"),
                plugin("b").requires("a"), plugin("a"), plugin("f").optionallyUses("missing")).start();
        List<String> order = rt.plugins().stream().map(PluginDescriptor::id).toList();
        assertThat(order).containsExactly("a", "b", "c", "d", "e", "f");
        rt.close();
        List<String> shutdowns = log.stream().filter(s -> s.startsWith("shutdown")).map(s -> s.substring(9)).toList();
        List<String> reversed = new ArrayList<>(order);
        Collections.reverse(reversed);
        assertThat(shutdowns).isEqualTo(reversed);
        assertThat(log.subList(0, 6)).allMatch(s -> s.startsWith("init"));
    }

    @Test
    void tiesAreBrokenByIdNotRegistrationOrder() {
        PlinthRuntime rt = runtime(plugin("zeta"), plugin("alpha"), plugin("mid")).start();
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
        assertThat(e).hasMessage("Plugin 'b' failed in init: java.lang.IllegalStateException: boom")
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
        assertThat(log).containsExactly("init a", "init b", "init c", "start a", "start b",
                "shutdown c", "shutdown b", "shutdown a");
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
        assertThat(e.getSuppressed()[0]).hasMessage(
                "Plugin 'a' failed in shutdown: java.lang.IllegalStateException: a cannot stop");
        assertThat(log).containsExactly("init a", "init b", "start a", "start b", "shutdown b", "shutdown a");
    }

    @Test
    void failingShutdownDoesNotStopTheOthersAndEveryFailureIsCollected() {
        PlinthRuntime rt = runtime(plugin("a").failShutdown(new RuntimeException("a broke")), plugin("b"),
                plugin("c").failShutdown(new RuntimeException("c broke"))).start();
        PluginLifecycleException e = catchThrowableOfType(PluginLifecycleException.class, rt::close);
        assertThat(e.phase()).isEqualTo(Phase.SHUTDOWN);
        assertThat(e).hasMessage("Shutdown finished with 2 failure(s): plugin 'c', plugin 'a'");
        assertThat(e.getSuppressed()).extracting(Throwable::getMessage).containsExactly(
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
        PlinthConfig config = PlinthConfig.builder().set("plinth.runtime.shutdownTimeout", "200ms").build();
        PlinthRuntime rt = runtime(config, plugin("a"), hanger).start();
        PluginLifecycleException e = catchThrowableOfType(PluginLifecycleException.class, rt::close);
        assertThat(e.pluginId()).isEqualTo("b");
        assertThat(e.getSuppressed()).singleElement().satisfies(s -> assertThat(s).hasMessage(
                "Plugin 'b' did not finish shutdown within 200ms; no longer waiting for it (thread "
                        + "plinth-shutdown-b interrupted and left running)"));
        assertThat(log).contains("shutdown b", "shutdown a");
        assertThat(provider.closes).hasValue(1);
        hanger.shutdownThread.join();
        assertThat(log).contains("interrupted b");
    }

    @Test
    void shutdownRunsOnItsOwnThreadWithTheMdcSet() {
        RecordingPlugin a = plugin("a");
        runtime(a).start().close();
        assertThat(a.shutdownThread.getName()).isEqualTo("plinth-shutdown-a");
        assertThat(a.mdcSeen).containsExactly("init=a", "start=a", "shutdown=a");
    }

    @Test
    void shutdownSeesTheClosersMdcAndThePluginsOwnClassLoader() throws Exception {
        RecordingPlugin a = plugin("a");
        PlinthRuntime rt = runtime(a).start();
        Thread me = Thread.currentThread();
        ClassLoader before = me.getContextClassLoader();
        try (URLClassLoader hostLoader = new URLClassLoader(new URL[0], null)) {
            me.setContextClassLoader(hostLoader);
            org.slf4j.MDC.put(RecordingPlugin.HOST_MDC_KEY, "r-7");
            rt.close();
        } finally {
            me.setContextClassLoader(before);
            org.slf4j.MDC.remove(RecordingPlugin.HOST_MDC_KEY);
        }
        assertThat(a.hostMdcSeen).contains("shutdown=r-7");
        assertThat(a.contextLoaders.get("shutdown")).isSameAs(RecordingPlugin.class.getClassLoader());
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
        assertThatThrownBy(rt::start).isInstanceOf(IllegalStateException.class)
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
        assertThat(e.getSuppressed()).singleElement().satisfies(s -> assertThat(s).hasMessage("disk gone"));
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
        PlinthRuntime rt = runtime(plugin("a").failInit(new IllegalStateException("x"))).registerShutdownHook();
        assertThatThrownBy(rt::start).isInstanceOf(PluginLifecycleException.class);
        assertThat(rt.awaitTermination(java.time.Duration.ZERO)).isTrue();
    }

    @Test
    void startTwiceIsAnIllegalStateAndLeavesPluginsRunning() {
        PlinthRuntime rt = runtime(plugin("a")).start();
        assertThatThrownBy(rt::start).isInstanceOf(IllegalStateException.class)
                .hasMessage("start() may be called once; this runtime is RUNNING");
        assertThat(rt.state("a")).isEqualTo(PluginState.STARTED);
        assertThat(log).containsExactly("init a", "start a");
        rt.close();
    }
}
