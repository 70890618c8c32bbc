package dev.plinth.core.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.plinth.core.PlinthRuntime;
import dev.plinth.core.discovery.CodeSources;
import dev.plinth.spi.storage.StorageProvider;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generic host as users run it: a separate JVM with real jars, on the class path and on the module
 * path. A third-party provider and plugin are compiled here (by javac) against the API only, so nothing
 * of the test class path leaks into them.
 */
class ChildJvmDiscoveryTest {
    @TempDir
    static Path dir;

    static Path demoProviderJar;
    static Path otherProviderJar;
    static Path demoPluginJar;

    private static final String DEMO_PROVIDER = String.join(
            "\n",
            "package com.thirdparty.demo;",
            "import dev.plinth.spi.storage.*;",
            "import java.util.*;",
            "public class DemoProvider implements StorageProvider {",
            "  public String id() { return \"demo\"; }",
            "  public String description() { return \"Demo provider\"; }",
            "  public Set<Capability> capabilities() { return Set.of(); }",
            "  public List<OptionSpec<?>> options() { return List.of(OptionSpec.string(\"dir\", \"x\", \"a dir\")); }",
            "  public int spiVersion() { return SPI_VERSION; }",
            "  public StorageBackend open(ProviderConfig config, BackendContext context) {",
            "    System.out.println(\"backend opened dir=\" + config.get(options().get(0)));",
            "    return (StorageBackend) java.lang.reflect.Proxy.newProxyInstance(StorageBackend.class.getClassLoader(),",
            "        new Class<?>[] {StorageBackend.class}, (p, m, a) -> {",
            "          if (m.getName().equals(\"close\")) { System.out.println(\"backend closed\"); }",
            "          return null;",
            "        });",
            "  }",
            "}");

    private static final String OTHER_PROVIDER = DEMO_PROVIDER
            .replace("com.thirdparty.demo", "com.thirdparty.other")
            .replace("\"demo\"", "\"other\"")
            .replace("Demo provider", "Other provider");

    private static final String DEMO_PLUGIN = String.join(
            "\n",
            "package com.thirdparty.plugin;",
            "import dev.plinth.api.plugin.*;",
            "public class DemoPlugin implements Plugin {",
            "  public String id() { return \"demo-plugin\"; }",
            "  public void init(PluginContext ctx) {",
            "    System.out.println(\"plugin init greeting=\" + ctx.config().get(\"greeting\", \"none\"));",
            "  }",
            "  public void start() { System.out.println(\"plugin started\"); }",
            "  public void shutdown() { System.out.println(\"plugin shutdown\"); }",
            "}");

    @BeforeAll
    static void buildThirdPartyJars() throws IOException {
        demoProviderJar = compileJar(
                "demo-provider", "com.thirdparty.demo.DemoProvider", DEMO_PROVIDER, StorageProvider.class.getName());
        otherProviderJar = compileJar(
                "other-provider", "com.thirdparty.other.DemoProvider", OTHER_PROVIDER, StorageProvider.class.getName());
        demoPluginJar = compileJar(
                "demo-plugin", "com.thirdparty.plugin.DemoPlugin", DEMO_PLUGIN, "dev.plinth.api.plugin.Plugin");
    }

    private static Path compileJar(String name, String className, String source, String service) throws IOException {
        Path src = dir.resolve(name + "-src").resolve(className.replace('.', '/') + ".java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, source, StandardCharsets.UTF_8);
        Path classes = dir.resolve(name + "-classes");
        Files.createDirectories(classes);
        // javac in a child process: the test module cannot read java.compiler, and nothing leaks in this way
        Outcome javac;
        try {
            javac = run(
                    Map.of(),
                    List.of(
                            Path.of(System.getProperty("java.home"), "bin", "javac")
                                    .toString(),
                            "--release",
                            "17",
                            "-cp",
                            location(StorageProvider.class) + File.pathSeparator + location(org.slf4j.Logger.class),
                            "-d",
                            classes.toString(),
                            src.toString()));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        assertThat(javac.exitCode())
                .as("javac for " + name + ": " + javac.err())
                .isZero();
        Path jar = dir.resolve(name + ".jar");
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream j = new JarOutputStream(out);
                Stream<Path> files = Files.walk(classes)) {
            j.putNextEntry(new JarEntry("META-INF/services/" + service));
            j.write((className + "\n").getBytes(StandardCharsets.UTF_8));
            j.closeEntry();
            for (Path f : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
                j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                j.write(Files.readAllBytes(f));
                j.closeEntry();
            }
        }
        return jar;
    }

    private static String location(Class<?> type) {
        return CodeSources.location(type);
    }

    /** The runtime's own jars (or class directories), as this JVM loaded them. */
    private static List<String> runtimePath() {
        return List.of(
                location(StorageProvider.class),
                location(PlinthRuntime.class),
                location(org.slf4j.Logger.class),
                location(ObjectMapper.class),
                location(JsonFactory.class),
                location(JsonProperty.class),
                location(JavaTimeModule.class),
                location(com.github.benmanes.caffeine.cache.Caffeine.class),
                location(net.jpountz.lz4.LZ4Factory.class));
    }

    private static String path(List<String> runtime, Path... extra) {
        List<String> all = new ArrayList<>(runtime);
        for (Path p : extra) {
            all.add(p.toString());
        }
        return String.join(File.pathSeparator, all);
    }

    private record Outcome(int exitCode, String out, String err) {}

    private static Outcome run(Map<String, String> env, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("PLINTH_"));
        pb.environment().putAll(env);
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        try {
            assertThat(p.waitFor(120, TimeUnit.SECONDS))
                    .as("child JVM finished")
                    .isTrue();
            return new Outcome(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            p.destroyForcibly();
        }
    }

    private static List<String> java(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(args));
        return cmd;
    }

    @Test
    void classPathListsTheProviderWithItsJarAndSelectsIt() throws Exception {
        Outcome o = run(
                Map.of(),
                java("-cp", path(runtimePath(), demoProviderJar), "dev.plinth.core.Main", "--list-providers"));
        assertThat(o.out()).isEqualTo("provider demo " + demoProviderJar + " Demo provider\nselected demo\n");
        assertThat(o.exitCode()).isZero();
    }

    @Test
    void classPathWithTwoProvidersAndNoChoiceFailsListingBoth() throws Exception {
        Outcome o = run(
                Map.of(), java("-cp", path(runtimePath(), demoProviderJar, otherProviderJar), "dev.plinth.core.Main"));
        assertThat(o.exitCode()).isEqualTo(1);
        assertThat(o.err())
                .endsWith("plinth: startup failed: Several storage providers found and "
                        + "plinth.storage.provider is not set. Available providers: demo (" + demoProviderJar
                        + "), other ("
                        + otherProviderJar + "). Set plinth.storage.provider=<id> to choose one.\n");
    }

    @Test
    void environmentChoosesTheProvider() throws Exception {
        Outcome o = run(
                Map.of("PLINTH_STORAGE_PROVIDER", "other"),
                java(
                        "-cp",
                        path(runtimePath(), demoProviderJar, otherProviderJar),
                        "dev.plinth.core.Main",
                        "--list-providers"));
        assertThat(o.out()).endsWith("selected other\n");
        assertThat(o.exitCode()).isZero();
    }

    @Test
    void hostRunsPluginsUntilSigtermAndShutsDownCleanly() throws Exception {
        Path config = dir.resolve("host.properties");
        Files.writeString(config, "plinth.storage.demo.dir=/srv/data\n");
        ProcessBuilder pb = new ProcessBuilder(java(
                "-cp",
                path(runtimePath(), demoProviderJar, demoPluginJar),
                "dev.plinth.core.Main",
                "--config",
                config.toString()));
        pb.environment().keySet().removeIf(k -> k.startsWith("PLINTH_"));
        pb.environment().put("PLINTH_PLUGINS_DEMO__PLUGIN_GREETING", "hello");
        Path out = Files.createTempFile(dir, "host", ".txt");
        pb.redirectOutput(out.toFile()).redirectErrorStream(true);
        Process p = pb.start();
        try {
            while (!Files.readString(out).contains("plugin started")) {
                assertThat(p.isAlive())
                        .as("host still running; output so far: %s", Files.readString(out))
                        .isTrue();
                Thread.sleep(50);
            }
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String text = Files.readString(out);
            assertThat(text).contains("backend opened dir=/srv/data", "plugin init greeting=hello");
            assertThat(text.indexOf("plugin shutdown")).isGreaterThan(text.indexOf("plugin started"));
            assertThat(text.indexOf("backend closed")).isGreaterThan(text.indexOf("plugin shutdown"));
            assertThat(p.exitValue()).isEqualTo(143);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void modulePathDiscoversTheSameProviderAndPlugin() throws Exception {
        Outcome list = run(
                Map.of(),
                java(
                        "--module-path",
                        path(runtimePath(), demoProviderJar, demoPluginJar),
                        "-m",
                        "dev.plinth.core/dev.plinth.core.Main",
                        "--list-providers"));
        assertThat(list.out())
                .as(list.err())
                .isEqualTo("provider demo " + demoProviderJar + " Demo provider\nselected demo\n");
        assertThat(list.exitCode()).isZero();

        Outcome broken = run(
                Map.of("PLINTH_STORAGE_PROVIDER", "sqlite"),
                java(
                        "--module-path",
                        path(runtimePath(), demoProviderJar, demoPluginJar),
                        "-m",
                        "dev.plinth.core/dev.plinth.core.Main"));
        assertThat(broken.exitCode()).isEqualTo(1);
        assertThat(broken.err())
                .endsWith("plinth: startup failed: Storage provider 'sqlite' (plinth.storage.provider, "
                        + "from environment variable PLINTH_STORAGE_PROVIDER) is not on the class path. Available providers: "
                        + "demo (" + demoProviderJar + ").\n");
    }
}
