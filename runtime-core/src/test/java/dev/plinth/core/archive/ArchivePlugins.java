package dev.plinth.core.archive;

import dev.plinth.core.PlinthRuntime;
import dev.plinth.core.config.PlinthConfig;
import dev.plinth.core.testing.Archives;
import dev.plinth.core.testing.MapProvider;
import java.nio.file.Path;

/**
 * The archives the plugin tests share: {@code tools} (publishes the service {@code t.api.Tool}, exported,
 * and takes a lock it never releases) and {@code user} (requires {@code tools@>=1 <2}, records in its store
 * which Tool implementation it saw).
 */
final class ArchivePlugins {
    private final Archives archives;
    private final Path work;
    private Path toolsApi;

    ArchivePlugins(Path work) {
        this.work = work;
        this.archives = new Archives(work);
    }

    Archives archives() {
        return archives;
    }

    /** The tools plugin at {@code version}; its Tool answers {@code "tools-<version>"}. */
    Path tools(String version, Path file) {
        Path jar = archives.jar()
                .source("t.api.Tool", "package t.api; public interface Tool { String name(); }")
                .source(
                        "t.impl.Main",
                        Archives.plugin(
                                "t.impl",
                                "tools",
                                version,
                                "ctx.services().publish(t.api.Tool.class, () -> \"tools-" + version + "\");"
                                        + " ctx.services().publish(java.util.function.Supplier.class, () -> \"s\");",
                                "ctx.storage().lock(\"held\", java.time.Duration.ofSeconds(1));"
                                        + " ctx.storage().setString(\"started\", \"" + version + "\");"))
                .descriptor("id=tools", "version=" + version, "class=t.impl.Main", "exports=t.api")
                .writeTo(file);
        if (toolsApi == null) {
            toolsApi = work.resolve("tools-api-" + version + ".jar");
            try {
                java.nio.file.Files.createDirectories(work);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            try {
                java.nio.file.Files.copy(jar, toolsApi);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return jar;
    }

    /** The user plugin, requiring {@code toolsRange}. */
    Path user(String toolsRange, Path file) {
        if (toolsApi == null) {
            tools("1.0.0", work.resolve("api-src").resolve("tools.jar"));
        }
        return archives.jar()
                .compileAgainst(toolsApi)
                .source(
                        "u.Main",
                        Archives.plugin(
                                "u",
                                "user",
                                "1.0.0",
                                "ctx.storage().setString(\"seen\", ctx.services().require(t.api.Tool.class).name());",
                                ""))
                .descriptor("id=user", "version=1.0.0", "class=u.Main", "requires=tools@" + toolsRange)
                .writeTo(file);
    }

    static PlinthRuntime runtime(Path folder, MapProvider storage) {
        return PlinthRuntime.builder()
                .config(PlinthConfig.builder()
                        .set("plinth.plugins.dir", folder.toString())
                        .build())
                .storageProvider(storage)
                .discoverPlugins(false)
                .build();
    }
}
