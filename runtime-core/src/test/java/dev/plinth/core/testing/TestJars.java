package dev.plinth.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/** Builds small jars from test classes and loads them the way a plugin or provider jar would be. */
public final class TestJars {
    private TestJars() {}

    /** Collects a jar's entries. */
    public static final class Spec {
        private final Map<String, byte[]> entries = new LinkedHashMap<>();

        public Spec service(Class<?> serviceType, Class<?>... implementations) {
            StringBuilder sb = new StringBuilder("# test service file\n");
            for (Class<?> c : implementations) {
                sb.append(c.getName()).append('\n');
            }
            entries.put(
                    "META-INF/services/" + serviceType.getName(), sb.toString().getBytes(StandardCharsets.UTF_8));
            return this;
        }

        public Spec classes(Class<?>... types) {
            for (Class<?> c : types) {
                entries.put(resource(c), bytes(c));
            }
            return this;
        }

        public Path writeTo(Path jar) {
            try (OutputStream out = Files.newOutputStream(jar);
                    JarOutputStream j = new JarOutputStream(out)) {
                for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                    j.putNextEntry(new JarEntry(e.getKey()));
                    j.write(e.getValue());
                    j.closeEntry();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return jar;
        }
    }

    public static Spec jar() {
        return new Spec();
    }

    public static String resource(Class<?> c) {
        return c.getName().replace('.', '/') + ".class";
    }

    static byte[] bytes(Class<?> c) {
        try (InputStream in = c.getClassLoader().getResourceAsStream(resource(c))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param childFirst class names this loader defines from its own jars even when the parent has them,
     *     as a plugin class loader isolating a jar would
     * @param jars the jars
     * @return a loader over the jars with the test class loader as parent
     */
    public static URLClassLoader loader(Set<Class<?>> childFirst, Path... jars) {
        URL[] urls = new URL[jars.length];
        for (int i = 0; i < jars.length; i++) {
            try {
                urls[i] = jars[i].toUri().toURL();
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException(e);
            }
        }
        Set<String> names = new java.util.HashSet<>();
        childFirst.forEach(c -> names.add(c.getName()));
        return new URLClassLoader(urls, TestJars.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (!names.contains(name)) {
                    return super.loadClass(name, resolve);
                }
                synchronized (getClassLoadingLock(name)) {
                    Class<?> c = findLoadedClass(name);
                    if (c == null) {
                        c = findClass(name);
                    }
                    if (resolve) {
                        resolveClass(c);
                    }
                    return c;
                }
            }
        };
    }
}
