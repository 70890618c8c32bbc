package dev.plinth.core.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.ConfigurationException;
import dev.plinth.api.plugin.PluginDescriptor;
import dev.plinth.api.plugin.PluginState;
import dev.plinth.core.PlinthRuntime;
import dev.plinth.core.config.PlinthConfig;
import dev.plinth.core.testing.Archives;
import dev.plinth.core.testing.MapProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code plinth.plugins.watch=true}: new archives are installed, changed ones reloaded, bad ones ignored. */
class PluginFolderWatchTest {
    @TempDir
    Path work;

    @Test
    void aNewArchiveIsInstalledAndAChangedOneReloadedWhileABrokenOneChangesNothing() throws Exception {
        Path folder = Files.createDirectories(work.resolve("plugins"));
        ArchivePlugins plugins = new ArchivePlugins(work.resolve("build"));
        plugins.tools("1.0.0", folder.resolve("tools.jar"));
        plugins.user(">=1 <2", folder.resolve("user.jar"));
        Path extra = plugins.archives()
                .jar()
                .source("e.Main", Archives.plugin("e", "extra", "1.0.0", "", ""))
                .descriptor("id=extra", "version=1.0.0", "class=e.Main")
                .writeTo(work.resolve("extra.jar"));
        Path newTools = plugins.tools("1.1.0", work.resolve("tools-1.1.0.jar"));
        try (PlinthRuntime rt = PlinthRuntime.builder()
                .config(PlinthConfig.builder()
                        .set("plinth.plugins.dir", folder.toString())
                        .set("plinth.plugins.watch", "true")
                        .build())
                .storageProvider(new MapProvider())
                .discoverPlugins(false)
                .build()
                .start()) {
            Files.write(folder.resolve("broken.jar"), new byte[] {1, 2, 3});
            Files.copy(extra, folder.resolve("extra.jar"));
            await(() -> rt.plugins().stream().anyMatch(d -> d.id().equals("extra")));
            assertThat(rt.state("extra")).isEqualTo(PluginState.STARTED);

            Files.copy(newTools, folder.resolve("tools.jar"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            await(() -> rt.storage("user").getString("seen").orElse("").equals("tools-1.1.0"));
            assertThat(rt.plugins())
                    .extracting(PluginDescriptor::id, PluginDescriptor::version)
                    .contains(org.assertj.core.groups.Tuple.tuple("tools", "1.1.0"));
            // The dependent writes "seen" in init, so its restart may still be finishing start() here.
            await(() -> rt.state("user") == PluginState.STARTED);
            assertThat(rt.plugins())
                    .extracting(PluginDescriptor::id)
                    .containsExactlyInAnyOrder("tools", "user", "extra");
        }
    }

    @Test
    void watchingWithoutAFolderIsAConfigurationError() {
        PlinthRuntime rt = PlinthRuntime.builder()
                .config(PlinthConfig.builder()
                        .set("plinth.plugins.watch", "true")
                        .build())
                .storageProvider(new MapProvider())
                .discoverPlugins(false)
                .build();
        assertThatThrownBy(rt::start)
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("plinth.plugins.watch=true")
                .hasMessageContaining("plinth.plugins.dir");
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline)
                    .as("waited 60 s for the folder watch")
                    .isNegative();
            Thread.sleep(50);
        }
    }
}
