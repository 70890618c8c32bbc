package dev.plinth.core.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.plinth.api.plugin.Plugin;
import dev.plinth.api.plugin.PluginDescriptor;
import dev.plinth.api.plugin.PluginLifecycleException;
import dev.plinth.api.plugin.PluginLifecycleException.Phase;
import dev.plinth.core.PlinthRuntime;
import dev.plinth.core.config.PlinthConfig;
import dev.plinth.core.testing.FakeProvider;
import dev.plinth.core.testing.RecordingPlugin;
import dev.plinth.core.testing.TestJars;
import dev.plinth.core.testing.TestPlugins;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginDiscoveryTest {
    @TempDir
    Path dir;

    private Path pluginJar;
    private URLClassLoader loader;

    @BeforeEach
    void jar() {
        pluginJar = TestJars.jar()
                .service(Plugin.class, TestPlugins.Discovered.class)
                .classes(TestPlugins.Discovered.class)
                .writeTo(dir.resolve("discovered.jar"));
        loader = TestJars.loader(Set.of(TestPlugins.Discovered.class), pluginJar);
    }

    private PlinthRuntime.Builder builder() {
        return PlinthRuntime.builder().config(PlinthConfig.empty()).storageProvider(new FakeProvider());
    }

    @Test
    void findsPluginsWithTheGivenLoaderAndRecordsTheirJar() {
        PlinthRuntime rt = builder()
                .classLoader(loader)
                .plugin(new RecordingPlugin("registered-one", new ArrayList<>()))
                .build()
                .start();
        assertThat(rt.plugins())
                .extracting(PluginDescriptor::id, PluginDescriptor::source)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("discovered", pluginJar.toString()),
                        org.assertj.core.groups.Tuple.tuple("registered-one", "registered"));
        rt.close();
    }

    @Test
    void neverUsesTheThreadContextLoaderByAccident() {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(loader);
        try {
            PlinthRuntime rt = builder().build().start();
            assertThat(rt.plugins()).isEmpty();
            rt.close();
        } finally {
            t.setContextClassLoader(before);
        }
    }

    @Test
    void discoveryCanBeTurnedOff() {
        PlinthRuntime rt =
                builder().classLoader(loader).discoverPlugins(false).build().start();
        assertThat(rt.plugins()).isEmpty();
        rt.close();
    }

    @Test
    void duplicateOfADiscoveredPluginNamesBothSources() {
        PluginLifecycleException e = catchThrowableOfType(
                PluginLifecycleException.class,
                builder()
                        .classLoader(loader)
                        .plugin(new RecordingPlugin("discovered", new ArrayList<>()))
                        .build()::start);
        assertThat(e.phase()).isEqualTo(Phase.RESOLVE);
        assertThat(e.pluginId()).isEqualTo("discovered");
        assertThat(e)
                .hasMessage("Duplicate plugin id 'discovered': " + RecordingPlugin.class.getName()
                        + " (registered) and " + TestPlugins.Discovered.class.getName() + " (" + pluginJar
                        + "). Remove one of them.");
    }

    @Test
    void pluginJarBundlingTheApiIsExplained() {
        Path shaded = TestJars.jar()
                .service(Plugin.class, TestPlugins.Standalone.class)
                .classes(TestPlugins.Standalone.class, Plugin.class)
                .writeTo(dir.resolve("shaded-plugin.jar"));
        URLClassLoader bad = TestJars.loader(Set.of(TestPlugins.Standalone.class, Plugin.class), shaded);
        PluginLifecycleException e =
                catchThrowableOfType(PluginLifecycleException.class, () -> PluginDiscovery.discover(bad, List.of()));
        assertThat(e.phase()).isEqualTo(Phase.RESOLVE);
        assertThat(e.getMessage())
                .startsWith("A plugin could not be loaded: ")
                .contains("not a subtype")
                .endsWith(
                        shaded + " contains its own copy of the Plinth API (dev.plinth.api.plugin.Plugin) while the "
                                + "runtime uses the one from " + CodeSources.location(Plugin.class)
                                + ": a plugin or provider "
                                + "jar must not bundle runtime-api; depend on dev.plinth:plinth-runtime-api without shading it.");
    }
}
