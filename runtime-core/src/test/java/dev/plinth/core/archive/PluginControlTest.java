package dev.plinth.core.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.plinth.api.plugin.Plugin;
import dev.plinth.api.plugin.PluginContext;
import dev.plinth.api.plugin.PluginDescriptor;
import dev.plinth.api.plugin.PluginState;
import dev.plinth.core.PlinthRuntime;
import dev.plinth.core.config.PlinthConfig;
import dev.plinth.core.plugins.PluginArchiveException;
import dev.plinth.core.plugins.PluginInfo;
import dev.plinth.core.testing.Archives;
import dev.plinth.core.testing.MapProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Run-time control of archive plugins: stop, start, reload, install, uninstall, and refused changes. */
class PluginControlTest {
    @TempDir
    Path work;

    private Path folder;
    private ArchivePlugins plugins;
    private final MapProvider storage = new MapProvider();

    /** A class-path plugin that keeps its context, to look at the shared services from outside an archive. */
    static final class Probe implements Plugin {
        volatile PluginContext ctx;

        @Override
        public String id() {
            return "probe";
        }

        @Override
        public void init(PluginContext context) {
            ctx = context;
        }
    }

    @BeforeEach
    void archives() throws Exception {
        folder = Files.createDirectories(work.resolve("plugins"));
        plugins = new ArchivePlugins(work.resolve("build"));
        plugins.tools("1.0.0", folder.resolve("tools.jar"));
        plugins.user(">=1 <2", folder.resolve("user.jar"));
    }

    private PlinthRuntime start(Plugin... extra) {
        PlinthRuntime.Builder b = PlinthRuntime.builder()
                .config(PlinthConfig.builder()
                        .set("plinth.plugins.dir", folder.toString())
                        .build())
                .storageProvider(storage)
                .discoverPlugins(false);
        for (Plugin p : extra) {
            b.plugin(p);
        }
        return b.build().start();
    }

    private static String version(PlinthRuntime rt, String id) {
        return rt.plugins().stream()
                .filter(d -> d.id().equals(id))
                .map(PluginDescriptor::version)
                .findFirst()
                .orElseThrow();
    }

    @Test
    void aDependentSeesTheNewImplementationOfItsDependencyAfterAReload() {
        try (PlinthRuntime rt = start()) {
            assertThat(rt.storage("user").getString("seen")).hasValue("tools-1.0.0");
            assertThat(rt.plugins()).extracting(PluginDescriptor::id).containsExactly("tools", "user");
            assertThat(rt.plugins().get(0).source())
                    .isEqualTo(folder.resolve("tools.jar").toString());

            plugins.tools("1.1.0", folder.resolve("tools.jar"));
            rt.reload("tools");

            assertThat(rt.storage("user").getString("seen")).hasValue("tools-1.1.0");
            assertThat(rt.storage("tools").getString("shutdown")).hasValue("1.0.0");
            // The new version's start() takes the lock the old one never released: it was released at stop.
            assertThat(rt.storage("tools").getString("started")).hasValue("1.1.0");
            assertThat(version(rt, "tools")).isEqualTo("1.1.0");
            assertThat(rt.state("tools")).isEqualTo(PluginState.STARTED);
            assertThat(rt.state("user")).isEqualTo(PluginState.STARTED);
        }
    }

    @Test
    void reloadPicksTheArchiveOfThatIdUnderAnotherFileName() throws Exception {
        try (PlinthRuntime rt = start()) {
            Files.delete(folder.resolve("tools.jar"));
            plugins.tools("1.2.0", folder.resolve("tools-1.2.0.jar"));
            rt.reload("tools");
            assertThat(version(rt, "tools")).isEqualTo("1.2.0");
            assertThat(rt.plugins().get(0).source())
                    .isEqualTo(folder.resolve("tools-1.2.0.jar").toString());
            assertThat(rt.storage("user").getString("seen")).hasValue("tools-1.2.0");
        }
    }

    @Test
    void stopStopsDependentsFirstWithdrawsServicesReleasesLocksAndKeepsData() {
        Probe probe = new Probe();
        try (PlinthRuntime rt = start(probe)) {
            assertThat(probe.ctx.services().find(Supplier.class)).isPresent();
            assertThat(rt.storage("tools").tryLock("held")).isEmpty();

            rt.stop("tools");

            assertThat(rt.state("tools")).isEqualTo(PluginState.STOPPED);
            assertThat(rt.state("user")).isEqualTo(PluginState.STOPPED);
            assertThat(rt.state("probe")).isEqualTo(PluginState.STARTED);
            assertThat(probe.ctx.services().find(Supplier.class)).isEmpty();
            assertThat(rt.storage("tools").tryLock("held")).isPresent().get().satisfies(l -> l.close());
            assertThat(rt.storage("tools").getString("started")).hasValue("1.0.0");
            assertThat(rt.storage("user").getString("shutdown")).hasValue("1.0.0");
            assertThat(rt.pluginInfo())
                    .filteredOn(i -> i.id().equals("user"))
                    .singleElement()
                    .satisfies(i -> assertThat(i.whyNotStarted())
                            .hasValue("stopped because its dependency 'tools' was stopped"));

            rt.start("user");

            assertThat(rt.state("tools")).isEqualTo(PluginState.STARTED);
            assertThat(rt.state("user")).isEqualTo(PluginState.STARTED);
            assertThat(probe.ctx.services().find(Supplier.class)).isPresent();
            assertThat(rt.pluginInfo())
                    .allSatisfy(i -> assertThat(i.whyNotStarted()).isEmpty());
        }
    }

    @Test
    void refusedChangesNameTheArchiveAndTheRuleAndChangeNothing() throws Exception {
        try (PlinthRuntime rt = start(new Probe())) {
            // a new version its dependent's range does not accept
            plugins.tools("2.0.0", folder.resolve("tools.jar"));
            PluginArchiveException range = catchThrowableOfType(PluginArchiveException.class, () -> rt.reload("tools"));
            assertThat(range)
                    .hasMessageContaining(folder.resolve("user.jar").toString())
                    .hasMessageContaining("tools@>=1 <2")
                    .hasMessageContaining("2.0.0");
            // a second archive with a taken id
            Path twin = plugins.tools("1.5.0", work.resolve("elsewhere").resolve("tools-twin.jar"));
            PluginArchiveException dup = catchThrowableOfType(PluginArchiveException.class, () -> rt.install(twin));
            assertThat(dup).hasMessageContaining("Duplicate plugin id 'tools'").hasMessageContaining(twin.toString());
            // a missing dependency
            Path needy = plugins.archives()
                    .jar()
                    .source("n.Main", Archives.plugin("n", "needy", "1.0.0", "", ""))
                    .descriptor("id=needy", "version=1.0.0", "class=n.Main", "requires=absent@>=1")
                    .writeTo(work.resolve("needy.jar"));
            PluginArchiveException missing =
                    catchThrowableOfType(PluginArchiveException.class, () -> rt.install(needy));
            assertThat(missing)
                    .hasMessageContaining(needy.toString())
                    .hasMessageContaining("'absent@>=1', which is not installed");
            assertThat(missing.archive()).isEqualTo(needy);
            // removing what another plugin requires
            PluginArchiveException required =
                    catchThrowableOfType(PluginArchiveException.class, () -> rt.uninstall("tools"));
            assertThat(required).hasMessageContaining("[user] require it");
            // a class-path plugin cannot be stopped
            assertThat(catchThrowableOfType(PluginArchiveException.class, () -> rt.stop("probe")))
                    .hasMessageContaining("only plugins from archives");

            assertThat(rt.pluginInfo())
                    .extracting(PluginInfo::id, PluginInfo::version, PluginInfo::state)
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple("probe", "0", PluginState.STARTED),
                            org.assertj.core.groups.Tuple.tuple("tools", "1.0.0", PluginState.STARTED),
                            org.assertj.core.groups.Tuple.tuple("user", "1.0.0", PluginState.STARTED));
            assertThat(rt.storage("user").getString("seen")).hasValue("tools-1.0.0");
            assertThat(rt.storage("tools").getString("shutdown")).isEmpty();
        }
    }

    @Test
    void installStartsAnArchiveAndUninstallRemovesIt() {
        Path extra = plugins.archives()
                .jar()
                .source(
                        "e.Main",
                        Archives.plugin("e", "extra", "0.3.0", "ctx.storage().setString(\"hello\", \"1\");", ""))
                .descriptor("id=extra", "version=0.3.0", "class=e.Main", "requires=tools")
                .writeTo(work.resolve("extra.jar"));
        try (PlinthRuntime rt = start()) {
            assertThat(rt.install(extra)).isEqualTo("extra");
            assertThat(rt.state("extra")).isEqualTo(PluginState.STARTED);
            assertThat(rt.storage("extra").getString("hello")).hasValue("1");

            rt.uninstall("extra");
            rt.uninstall("user");

            assertThat(rt.plugins()).extracting(PluginDescriptor::id).containsExactly("tools");
            assertThat(rt.storage("extra").getString("shutdown")).hasValue("0.3.0");
            assertThat(Files.exists(folder.resolve("user.jar"))).isTrue();
        }
    }

    @Test
    void aNewVersionThatFailsToStartLeavesTheOldOneRunning() {
        try (PlinthRuntime rt = start()) {
            plugins.archives()
                    .jar()
                    .source(
                            "t.impl.Main",
                            Archives.plugin(
                                    "t.impl",
                                    "tools",
                                    "1.9.0",
                                    "throw new IllegalStateException(\"broken build\");",
                                    ""))
                    .descriptor("id=tools", "version=1.9.0", "class=t.impl.Main")
                    .writeTo(folder.resolve("tools.jar"));
            dev.plinth.api.plugin.PluginLifecycleException e = catchThrowableOfType(
                    dev.plinth.api.plugin.PluginLifecycleException.class, () -> rt.reload("tools"));
            assertThat(e).hasMessageContaining("broken build").hasMessageContaining("version 1.0.0 was started again");
            assertThat(version(rt, "tools")).isEqualTo("1.0.0");
            assertThat(rt.state("tools")).isEqualTo(PluginState.STARTED);
            assertThat(rt.state("user")).isEqualTo(PluginState.STARTED);
            assertThat(rt.storage("user").getString("seen")).hasValue("tools-1.0.0");
        }
    }
}
