package dev.plinth.core.discovery;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.security.CodeSource;

/** Says where a class was loaded from, for diagnostics. */
public final class CodeSources {
    private CodeSources() {}

    /**
     * @param type a class
     * @return the jar or directory it came from as a file system path, else its module name, else a
     *     description of its class loader; never {@code null}
     */
    public static String location(Class<?> type) {
        try {
            CodeSource cs = type.getProtectionDomain().getCodeSource();
            if (cs != null && cs.getLocation() != null) {
                return fromUrl(cs.getLocation());
            }
        } catch (SecurityException e) {
            // fall through to the module or loader description
        }
        if (type.getModule().isNamed()) {
            return "module " + type.getModule().getName();
        }
        return "unknown location (class loader " + type.getClassLoader() + ")";
    }

    /**
     * @param url the URL of {@code resource} as a class loader returned it
     * @param resource the resource name, for example {@code dev/plinth/api/plugin/Plugin.class}
     * @return the jar or directory holding it
     */
    public static String root(URL url, String resource) {
        String s = url.toString();
        if (s.startsWith("file:") && s.endsWith("/" + resource)) {
            try {
                return fromUrl(new URL(s.substring(0, s.length() - resource.length())));
            } catch (java.net.MalformedURLException e) {
                return s;
            }
        }
        return fromUrl(url);
    }

    /**
     * @param url a {@code file:} URL or a {@code jar:file:...!/entry} URL
     * @return the file system path of the directory or jar, or the URL text when it is neither
     */
    public static String fromUrl(URL url) {
        String s = url.toString();
        try {
            if (s.startsWith("jar:")) {
                int bang = s.indexOf("!/");
                String inner = bang < 0 ? s.substring(4) : s.substring(4, bang);
                return Path.of(new URL(inner).toURI()).toString();
            }
            if (s.startsWith("file:")) {
                return Path.of(url.toURI()).toString();
            }
        } catch (URISyntaxException | java.net.MalformedURLException | IllegalArgumentException e) {
            return s;
        }
        return s;
    }
}
