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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class PluginGraphTest {
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final FakeProvider provider = new FakeProvider();

    private PlinthRuntime runtime(PlinthConfig config, RecordingPlugin... plugins) {
        PlinthRuntime.Builder b =
                PlinthRuntime.builder().config(config).storageProvider(provider).discoverPlugins(false);
        Arrays.stream(plugins).forEach(b::plugin);
        return b.build();
    }

    private RecordingPlugin plugin(String id) {
        return new RecordingPlugin(id, log);
    }

    @Test
    void cycleFailsInResolveNamingThePathBeforeAnythingRunsOrOpens() {
        PlinthRuntime rt = runtime(
                PlinthConfig.empty(),
                plugin("a").requires("b"),
                plugin("b").requires("c"),
                plugin("c").requires("a"),
                plugin("d"));
        PluginLifecycleException e = catchThrowableOfType(PluginLifecycleException.class, rt::start);
        assertThat(e.phase()).isEqualTo(Phase.RESOLVE);
        assertThat(e.pluginId()).isNull();
        assertThat(e).hasMessage("Plugin dependencies form a cycle: a -> b -> c -> a");
        assertThat(log).isEmpty();
        assertThat(provider.opens).hasValue(0);
    }

    @Test
    void optionalDependenciesCanFormACycleToo() {
        PlinthRuntime rt = runtime(
                PlinthConfig.empty(),
                plugin("x").optionallyUses("y"),
                plugin("y").requires("x"));
        assertThatThrownBy(rt::start).hasMessage("Plugin dependencies form a cycle: x -> y -> x");
    }

    @Test
    void selfDependencyIsACycle() {
        assertThatThrownBy(runtime(PlinthConfig.empty(), plugin("me").requires("me"))::start)
                .hasMessage("Plugin dependencies form a cycle: me -> me");
    }

    @Test
    void missingRequiredDependencyNamesBothPlugins() {
        PlinthRuntime rt = runtime(PlinthConfig.empty(), plugin("auth").requires("sessions"));
        PluginLifecycleException e = catchThrowableOfType(PluginLifecycleException.class, rt::start);
        assertThat(e.phase()).isEqualTo(Phase.RESOLVE);
        assertThat(e.pluginId()).isEqualTo("auth");
        assertThat(e).hasMessage("Plugin 'auth' requires plugin 'sessions', which is not present.");
        assertThat(log).isEmpty();
        assertThat(provider.opens).hasValue(0);
    }

    @Test
    void missingOptionalDependencyIsFine() {
        PlinthRuntime rt = runtime(PlinthConfig.empty(), plugin("auth").optionallyUses("metrics"))
                .start();
        assertThat(rt.state("auth")).isEqualTo(PluginState.STARTED);
        rt.close();
    }

    @Test
    void disabledPluginIsAbsentAndItsRequiredDependentsFailSayingWhy() {
        PlinthConfig config = PlinthConfig.builder()
                .set("plinth.plugins.sessions.enabled", "false")
                .build();
        PlinthRuntime rt = runtime(config, plugin("auth").requires("sessions"), plugin("sessions"));
        assertThatThrownBy(rt::start)
                .isInstanceOf(PluginLifecycleException.class)
                .hasMessage("Plugin 'auth' requires plugin 'sessions', which is disabled "
                        + "(plinth.plugins.sessions.enabled=false).");
        assertThat(log).isEmpty();
    }

    @Test
    void disabledPluginIsNeverCalledAndOptionalDependentsRun() {
        PlinthConfig config = PlinthConfig.builder()
                .properties(java.util.Map.of(
                        "plinth.plugins.metrics.enabled", "FALSE", "plinth.plugins.web.enabled", "true"))
                .build();
        PlinthRuntime rt = runtime(config, plugin("web").optionallyUses("metrics"), plugin("metrics"))
                .start();
        assertThat(rt.plugins()).extracting(PluginDescriptor::id).containsExactly("web");
        assertThatThrownBy(() -> rt.state("metrics"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Plugin 'metrics' is disabled (plinth.plugins.metrics.enabled=false)");
        rt.close();
        assertThat(log).containsExactly("init web", "start web", "shutdown web");
    }

    @Test
    void badEnabledValueNamesTheKey() {
        PlinthConfig config =
                PlinthConfig.builder().set("plinth.plugins.web.enabled", "yes").build();
        assertThatThrownBy(runtime(config, plugin("web"))::start)
                .isInstanceOf(dev.plinth.api.ConfigurationException.class)
                .hasMessage("Invalid value for plinth.plugins.web.enabled (from programmatic setting "
                        + "plinth.plugins.web.enabled): must be true or false, was 'yes'");
    }

    @Test
    void duplicateIdsFailNamingBothSources() {
        PlinthRuntime rt = runtime(PlinthConfig.empty(), plugin("same"), plugin("same"));
        PluginLifecycleException e = catchThrowableOfType(PluginLifecycleException.class, rt::start);
        assertThat(e.phase()).isEqualTo(Phase.RESOLVE);
        assertThat(e)
                .hasMessage("Duplicate plugin id 'same': " + RecordingPlugin.class.getName() + " (registered) and "
                        + RecordingPlugin.class.getName() + " (registered). Remove one of them.");
    }

    @Test
    void invalidPluginIdIsReportedWithItsSource() {
        PlinthRuntime rt = runtime(PlinthConfig.empty(), plugin("Bad Id"));
        assertThatThrownBy(rt::start)
                .isInstanceOf(PluginLifecycleException.class)
                .hasMessageStartingWith("Plugin " + RecordingPlugin.class.getName()
                        + " (registered) has an invalid id or dependency id: Invalid id 'Bad Id'");
    }

    @Test
    void unknownPluginStateIsAnError() {
        PlinthRuntime rt = runtime(PlinthConfig.empty(), plugin("a")).start();
        assertThatThrownBy(() -> rt.state("b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("No plugin 'b' in this runtime; plugins: [a]");
        rt.close();
    }
}
