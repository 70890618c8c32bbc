package dev.plinth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.plinth.api.ConfigurationException;
import dev.plinth.api.plugin.PluginLifecycleException;
import dev.plinth.core.config.PlinthConfig;
import dev.plinth.core.testing.FakeProvider;
import dev.plinth.core.testing.RecordingPlugin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class PluginContextTest {
    interface Revocations {
        boolean revoked(String token);
    }

    interface Clock {
        long now();
    }

    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final FakeProvider provider = new FakeProvider();

    private PlinthRuntime runtime(PlinthConfig config, RecordingPlugin... plugins) {
        PlinthRuntime.Builder b =
                PlinthRuntime.builder().config(config).storageProvider(provider).discoverPlugins(false);
        Arrays.stream(plugins).forEach(b::plugin);
        return b.build();
    }

    @Test
    void pluginUsesAServicePublishedByItsDependency() {
        AtomicReference<Boolean> seen = new AtomicReference<>();
        RecordingPlugin sessions = new RecordingPlugin("sessions", log)
                .onInit(c -> c.services().publish(Revocations.class, token -> token.equals("bad")));
        RecordingPlugin auth = new RecordingPlugin("auth", log)
                .requires("sessions")
                .onInit(c -> seen.set(c.services().require(Revocations.class).revoked("bad")));
        PlinthRuntime rt = runtime(PlinthConfig.empty(), auth, sessions).start();
        assertThat(seen.get()).isTrue();
        assertThat(auth.context.services().find(Clock.class)).isEmpty();
        rt.close();
        assertThat(auth.context.services().find(Revocations.class)).isEmpty();
    }

    @Test
    void requireOfAnUnpublishedServiceNamesTypeAndPluginAndSuggestsADependency() {
        RecordingPlugin auth =
                new RecordingPlugin("auth", log).onInit(c -> c.services().require(Revocations.class));
        PluginLifecycleException e =
                catchThrowableOfType(PluginLifecycleException.class, runtime(PlinthConfig.empty(), auth)::start);
        assertThat(e.getCause())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("No service "
                        + Revocations.class.getName()
                        + " is published (required by plugin 'auth'). Declare a dependency on "
                        + "the plugin that publishes it so that it is initialised first.");
    }

    @Test
    void publishingATypeAnotherPluginPublishedNamesBoth() {
        RecordingPlugin one =
                new RecordingPlugin("one", log).onInit(c -> c.services().publish(Clock.class, () -> 1));
        RecordingPlugin two =
                new RecordingPlugin("two", log).onInit(c -> c.services().publish(Clock.class, () -> 2));
        PluginLifecycleException e =
                catchThrowableOfType(PluginLifecycleException.class, runtime(PlinthConfig.empty(), one, two)::start);
        assertThat(e.pluginId()).isEqualTo("two");
        assertThat(e.getCause())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Plugin 'two' cannot publish " + "service " + Clock.class.getName()
                        + ": plugin 'one' already published it");
    }

    @Test
    void servicesAreWithdrawnWhenTheirPublisherShutsDown() {
        AtomicReference<Optional<Clock>> duringShutdownOfConsumer = new AtomicReference<>();
        RecordingPlugin clock =
                new RecordingPlugin("clock", log).onInit(c -> c.services().publish(Clock.class, () -> 7));
        RecordingPlugin user = new RecordingPlugin("user", log) {
            @Override
            public void shutdown() {
                duringShutdownOfConsumer.set(context.services().find(Clock.class));
                super.shutdown();
            }
        }.requires("clock");
        PlinthRuntime rt = runtime(PlinthConfig.empty(), clock, user).start();
        rt.close();
        assertThat(duringShutdownOfConsumer.get()).isPresent();
        assertThat(clock.context.services().find(Clock.class)).isEmpty();
    }

    @Test
    void contextCarriesDescriptorLoggerConfigAndScopedStorage() {
        RecordingPlugin p = new RecordingPlugin("hello-world", log);
        PlinthConfig config = PlinthConfig.builder()
                .properties(Map.of(
                        "plinth.plugins.hello-world.greeting",
                        "hi",
                        "plinth.plugins.hello-world.repeat",
                        "3",
                        "plinth.plugins.hello-world.pause",
                        "250ms",
                        "plinth.plugins.hello-world.loud",
                        "TRUE"))
                .build();
        PlinthRuntime rt = runtime(config, p).start();
        assertThat(p.context.pluginId()).isEqualTo("hello-world");
        assertThat(p.context.descriptor().source()).isEqualTo("registered");
        assertThat(p.context.logger().getName()).isEqualTo("plinth.plugin.hello-world");
        assertThat(p.context.config().get("greeting")).contains("hi");
        assertThat(p.context.config().getInt("repeat", 1)).isEqualTo(3);
        assertThat(p.context.config().getDuration("pause", Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
        assertThat(p.context.config().getBoolean("loud", false)).isTrue();
        assertThat(p.context.config().getInt("absent", 42)).isEqualTo(42);
        assertThat(p.context.config().asMap()).containsOnlyKeys("greeting", "repeat", "pause", "loud");

        assertThat(p.context.storage().getString("k")).isEmpty();
        assertThat(provider.backendCalls)
                .singleElement()
                .asString()
                .startsWith("get ")
                .contains("hello-world")
                .endsWith(" k");
        assertThat(p.context.storage()).isSameAs(p.context.storage());
        rt.close();
    }

    @Test
    void badPluginOptionValueNamesTheFullKey() {
        RecordingPlugin p =
                new RecordingPlugin("web", log).onInit(c -> c.config().getInt("port", 80));
        PlinthConfig config =
                PlinthConfig.builder().set("plinth.plugins.web.port", "eighty").build();
        PluginLifecycleException e = catchThrowableOfType(PluginLifecycleException.class, runtime(config, p)::start);
        assertThat(e.getCause())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("Invalid value for plinth.plugins.web.port (from configuration of plugin "
                        + "'web'): must be a whole number");
        assertThat(((ConfigurationException) e.getCause()).key()).contains("plinth.plugins.web.port");
    }

    @Test
    void hostCanReachAPluginsStoreWhileRunningOnly() {
        PlinthRuntime rt = runtime(PlinthConfig.empty(), new RecordingPlugin("a", log));
        assertThatThrownBy(() -> rt.storage("a")).isInstanceOf(IllegalStateException.class);
        rt.start();
        assertThat(rt.storage("a").getString("x")).isEmpty();
        assertThat(rt.storageProviderId()).contains("fake");
        rt.close();
        assertThatThrownBy(() -> rt.storage("a")).isInstanceOf(IllegalStateException.class);
    }
}
