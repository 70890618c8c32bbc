package dev.plinth.core.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.api.health.Health;
import dev.plinth.api.health.HealthStatus;
import dev.plinth.api.plugin.Plugin;
import dev.plinth.api.plugin.PluginContext;
import dev.plinth.api.plugin.PluginState;
import dev.plinth.core.PlinthRuntime;
import dev.plinth.core.config.PlinthConfig;
import dev.plinth.core.health.HealthReport;
import dev.plinth.core.testing.MapProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The health report follows run-time plugin control: a stopped plugin is reported STOPPED (and the runtime
 * DEGRADED), a restarted one UP again with the checks its new instance registered, an uninstalled one is
 * gone from the report.
 */
class HealthUnderControlTest {
    @TempDir
    Path work;

    /** A class-path plugin whose every start registers one health check, counting the starts. */
    static final class Checked implements Plugin {
        final AtomicInteger starts = new AtomicInteger();

        @Override
        public String id() {
            return "checked";
        }

        @Override
        public void init(PluginContext context) {
            int n = starts.incrementAndGet();
            context.registerHealthCheck("start-" + n, Health::up);
        }
    }

    @Test
    void theReportFollowsStopStartAndUninstall() throws Exception {
        Path folder = Files.createDirectories(work.resolve("plugins"));
        ArchivePlugins archives = new ArchivePlugins(work.resolve("build"));
        archives.tools("1.0.0", folder.resolve("tools.jar"));
        archives.user(">=1 <2", folder.resolve("user.jar"));
        Checked checked = new Checked();
        try (PlinthRuntime rt = PlinthRuntime.builder()
                .config(PlinthConfig.builder()
                        .set("plinth.plugins.dir", folder.toString())
                        .set("plinth.health.cacheTtl", "0s")
                        .build())
                .storageProvider(new MapProvider())
                .plugin(checked)
                .discoverPlugins(false)
                .build()
                .start()) {
            HealthReport up = rt.health();
            assertThat(up.status()).isEqualTo(HealthStatus.UP);
            assertThat(up.plugins()).containsOnlyKeys("tools", "user", "checked");
            assertThat(up.plugin("checked").orElseThrow().checks()).containsOnlyKeys("start-1");

            rt.stop("tools");
            HealthReport stopped = rt.health();
            assertThat(stopped.status()).isEqualTo(HealthStatus.DEGRADED);
            assertThat(stopped.ready()).isTrue();
            assertThat(stopped.plugin("tools").orElseThrow().state()).isEqualTo(PluginState.STOPPED);
            assertThat(stopped.plugin("tools").orElseThrow().status()).isEqualTo(HealthStatus.DOWN);
            assertThat(stopped.plugin("user").orElseThrow().state()).isEqualTo(PluginState.STOPPED);
            assertThat(stopped.plugin("checked").orElseThrow().status()).isEqualTo(HealthStatus.UP);

            // start(id) starts a plugin and what it requires, not its dependents: user is started on its own.
            rt.start("tools");
            assertThat(rt.health().plugin("user").orElseThrow().state()).isEqualTo(PluginState.STOPPED);
            rt.start("user");
            HealthReport again = rt.health();
            assertThat(again.status()).as(again.summary()).isEqualTo(HealthStatus.UP);
            assertThat(again.plugin("user").orElseThrow().state()).isEqualTo(PluginState.STARTED);

            rt.uninstall("user");
            assertThat(rt.health().plugins()).containsOnlyKeys("tools", "checked");
            assertThat(checked.starts).hasValue(1);
        }
    }
}
