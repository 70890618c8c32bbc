package dev.plinth.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles the plugin example of README.md exactly as printed and runs it, so a plugin written by
 * following the README alone works.
 */
class ReadmeExampleTest {
    private static final Pattern JAVA_BLOCK =
            Pattern.compile("```java\\n// File: (\\w+)\\.java\\n(.*?)```", Pattern.DOTALL);

    @Test
    void readmePluginExampleCompilesAndRuns(@TempDir Path dir) throws Exception {
        Map<String, String> sources = javaBlocks(Path.of("..", "README.md"));
        assertThat(sources).containsKeys("GreeterPlugin", "GreeterHost");

        List<String> files = new ArrayList<>();
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path file = dir.resolve(e.getKey() + ".java");
            Files.writeString(file, e.getValue());
            files.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("-d", dir.toString(), "-cp", testClassPath()));
        args.addAll(files);
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, args.toArray(new String[0]));
        assertThat(rc).as("javac output:%n%s", diagnostics).isZero();

        String output = runMain(dir, "GreeterHost");
        assertThat(output).contains("Hi, Ada (1)").contains("Hi, Ada (2)");
    }

    private static Map<String, String> javaBlocks(Path readme) throws IOException {
        Matcher m = JAVA_BLOCK.matcher(Files.readString(readme));
        Map<String, String> sources = new LinkedHashMap<>();
        while (m.find()) {
            sources.put(m.group(1), m.group(2));
        }
        return sources;
    }

    private static String testClassPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    private static String runMain(Path classes, String mainClass) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (URLClassLoader loader =
                new URLClassLoader(new URL[] {classes.toUri().toURL()}, ReadmeExampleTest.class.getClassLoader())) {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            Method main = loader.loadClass(mainClass).getMethod("main", String[].class);
            main.invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8).replace(File.separator, "/");
    }
}
