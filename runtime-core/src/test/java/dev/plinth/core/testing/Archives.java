package dev.plinth.core.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds real plugin archives for tests: Java sources compiled by the JDK's compiler against the test
 * class path (and the jars given), packed into a jar with a descriptor, or into a zip with {@code lib/}
 * jars. Nothing here is a mock: the runtime reads these files as it reads any archive.
 */
public final class Archives {
    private final Path work;
    private int counter;

    /** @param work a directory for sources, classes and archives */
    public Archives(Path work) {
        this.work = work;
    }

    /** A jar under construction. */
    public final class Jar {
        private final Map<String, String> sources = new LinkedHashMap<>();
        private final Map<String, byte[]> resources = new LinkedHashMap<>();
        private final List<Path> classPath = new ArrayList<>();

        /**
         * @param className fully qualified
         * @param code its source
         * @return this
         */
        public Jar source(String className, String code) {
            sources.put(className, code);
            return this;
        }

        /** @return this, with {@code text} as the resource {@code name} */
        public Jar resource(String name, String text) {
            resources.put(name, text.getBytes(StandardCharsets.UTF_8));
            return this;
        }

        /** @return this, with raw bytes as the resource {@code name} */
        public Jar resource(String name, byte[] bytes) {
            resources.put(name, bytes);
            return this;
        }

        /** @return this, compiling against {@code jar} too (a dependency's exported API, a library) */
        public Jar compileAgainst(Path jar) {
            classPath.add(jar);
            return this;
        }

        /** @return this, with a descriptor {@code META-INF/plinth-plugin.properties} of these lines */
        public Jar descriptor(String... lines) {
            return resource("META-INF/plinth-plugin.properties", String.join("\n", lines) + "\n");
        }

        /**
         * @param file where to write the jar
         * @return {@code file}
         */
        public Path writeTo(Path file) {
            Map<String, byte[]> entries = new LinkedHashMap<>(compile());
            entries.putAll(resources);
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
                try (OutputStream out = Files.newOutputStream(file);
                        JarOutputStream j = new JarOutputStream(out)) {
                    for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                        j.putNextEntry(new JarEntry(e.getKey()));
                        j.write(e.getValue());
                        j.closeEntry();
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return file;
        }

        private Map<String, byte[]> compile() {
            if (sources.isEmpty()) {
                return Map.of();
            }
            try {
                counter++;
                Path dir = Files.createDirectories(work.resolve("build-" + counter));
                Path src = Files.createDirectories(dir.resolve("src"));
                Path out = Files.createDirectories(dir.resolve("classes"));
                List<String> args = new ArrayList<>();
                StringBuilder cp = new StringBuilder(System.getProperty("java.class.path"));
                classPath.forEach(p -> cp.append(java.io.File.pathSeparator).append(p));
                args.addAll(List.of("-d", out.toString(), "-cp", cp.toString(), "--release", "17", "-nowarn"));
                for (Map.Entry<String, String> e : sources.entrySet()) {
                    Path f = src.resolve(e.getKey().replace('.', '/') + ".java");
                    Files.createDirectories(f.getParent());
                    Files.writeString(f, e.getValue());
                    args.add(f.toString());
                }
                JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
                java.io.ByteArrayOutputStream errors = new java.io.ByteArrayOutputStream();
                int rc = javac.run(null, errors, errors, args.toArray(new String[0]));
                if (rc != 0) {
                    throw new IllegalStateException("test sources do not compile:\n" + errors);
                }
                Map<String, byte[]> classes = new LinkedHashMap<>();
                try (Stream<Path> walk = Files.walk(out)) {
                    for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                        classes.put(out.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
                    }
                }
                return classes;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** @return a new jar */
    public Jar jar() {
        return new Jar();
    }

    /**
     * @param file the zip to write
     * @param pluginJar the plugin jar, stored at the root
     * @param libs library jars, stored under {@code lib/}
     * @return {@code file}
     */
    public static Path zip(Path file, Path pluginJar, Path... libs) {
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(file))) {
            z.putNextEntry(new ZipEntry(pluginJar.getFileName().toString()));
            z.write(Files.readAllBytes(pluginJar));
            z.closeEntry();
            for (Path lib : libs) {
                z.putNextEntry(new ZipEntry("lib/" + lib.getFileName()));
                z.write(Files.readAllBytes(lib));
                z.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /**
     * The source of a plugin class {@code pkg.Main} that records what it sees in its own store: key
     * {@code "version"} its version, and runs {@code initBody}/{@code startBody} (Java statements, with
     * {@code ctx} the context) in init and start.
     *
     * @param pkg the package
     * @param id the plugin id
     * @param version its version
     * @param initBody statements run in init
     * @param startBody statements run in start
     * @return the source
     */
    public static String plugin(String pkg, String id, String version, String initBody, String startBody) {
        return "package " + pkg + ";\n"
                + "import dev.plinth.api.plugin.*;\n"
                + "import dev.plinth.api.storage.*;\n"
                + "public class Main implements Plugin {\n"
                + "  private PluginContext ctx;\n"
                + "  public String id() { return \"" + id + "\"; }\n"
                + "  public String version() { return \"" + version + "\"; }\n"
                + "  public void init(PluginContext c) { this.ctx = c; " + initBody + " }\n"
                + "  public void start() { " + startBody + " }\n"
                + "  public void shutdown() { ctx.storage().setString(\"shutdown\", \"" + version + "\"); }\n"
                + "}\n";
    }
}
