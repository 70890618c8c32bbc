package dev.plinth.core.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.core.PlinthRuntime;
import dev.plinth.core.config.PlinthConfig;
import dev.plinth.core.testing.Archives;
import dev.plinth.core.testing.MapProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One class loader per plugin: own libraries first, the shared API from the host, nothing else. */
class PluginIsolationTest {
    @TempDir
    Path work;

    private static String seer(String pkg, String id) {
        return Archives.plugin(
                pkg,
                id,
                "1.0.0",
                "ctx.storage().setString(\"lib\", lib.Greeting.version());"
                        + " ctx.storage().setString(\"libLoader\", lib.Greeting.class.getClassLoader().getName());"
                        + " ctx.storage().setString(\"apiShared\", String.valueOf(KeyValueStore.class.getClassLoader()"
                        + " == Plugin.class.getClassLoader()));"
                        + " try { Class.forName(\"dev.plinth.core.PlinthRuntime\"); ctx.storage().setString(\"host\", \"visible\"); }"
                        + " catch (ClassNotFoundException e) { ctx.storage().setString(\"host\", \"hidden\"); }"
                        + " try { Class.forName(\"com.fasterxml.jackson.databind.ObjectMapper\"); ctx.storage().setString(\"jackson\", \"visible\"); }"
                        + " catch (ClassNotFoundException e) { ctx.storage().setString(\"jackson\", \"hidden\"); }",
                "");
    }

    @Test
    void twoPluginsBundlingTwoVersionsOfOneLibraryEachSeeTheirOwn() throws Exception {
        Archives archives = new Archives(work.resolve("build"));
        Path folder = Files.createDirectories(work.resolve("plugins"));
        Path lib1 = archives.jar()
                .source(
                        "lib.Greeting",
                        "package lib; public class Greeting { public static String version() { return \"lib-1\"; } }")
                .writeTo(work.resolve("greeting-1.0.jar"));
        Path lib2 = archives.jar()
                .source(
                        "lib.Greeting",
                        "package lib; public class Greeting { public static String version() { return \"lib-2\"; } }")
                .writeTo(work.resolve("greeting-2.0.jar"));
        Path one = archives.jar()
                .compileAgainst(lib1)
                .source("one.Main", seer("one", "one"))
                .descriptor("id=one", "version=1.0.0", "class=one.Main")
                .writeTo(work.resolve("one.jar"));
        // The second finds its plugin class through META-INF/services rather than class=.
        Path two = archives.jar()
                .compileAgainst(lib2)
                .source("two.Main", seer("two", "two"))
                .resource("META-INF/services/dev.plinth.api.plugin.Plugin", "two.Main\n")
                .descriptor("id=two", "version=1.0.0")
                .writeTo(work.resolve("two.jar"));
        Archives.zip(folder.resolve("one.zip"), one, lib1);
        Archives.zip(folder.resolve("two.zip"), two, lib2);

        try (PlinthRuntime rt = PlinthRuntime.builder()
                .config(PlinthConfig.builder()
                        .set("plinth.plugins.dir", folder.toString())
                        .build())
                .storageProvider(new MapProvider())
                .discoverPlugins(false)
                .build()
                .start()) {
            assertThat(rt.storage("one").getString("lib")).hasValue("lib-1");
            assertThat(rt.storage("two").getString("lib")).hasValue("lib-2");
            assertThat(rt.storage("one").getString("libLoader")).hasValue("plinth-plugin-one");
            assertThat(rt.storage("two").getString("libLoader")).hasValue("plinth-plugin-two");
            for (String id : new String[] {"one", "two"}) {
                assertThat(rt.storage(id).getString("apiShared")).hasValue("true");
                assertThat(rt.storage(id).getString("host")).hasValue("hidden");
                assertThat(rt.storage(id).getString("jackson")).hasValue("hidden");
            }
        }
    }
}
