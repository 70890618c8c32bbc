package dev.plinth.core.discovery;

import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

/**
 * Finds jars and directories that carry their own copy of a Plinth API class. A provider or plugin jar
 * that bundles (shades) runtime-api defines a second {@code StorageProvider} or {@code Plugin} type; its
 * classes then are "not a subtype" of the runtime's and cannot be loaded, or silently shadow the
 * runtime's API. Either way the fix is the same: do not bundle runtime-api.
 */
public final class BundledApiDetector {
    private BundledApiDetector() {}

    /**
     * @param loader the loader discovery uses
     * @param apiType an API class, for example {@code StorageProvider.class}
     * @return locations other than {@code apiType}'s own that also contain its class file; empty when
     *     there is only the runtime's copy
     */
    public static List<String> copiesOf(ClassLoader loader, Class<?> apiType) {
        String resource = apiType.getName().replace('.', '/') + ".class";
        String own = CodeSources.location(apiType);
        List<String> copies = new ArrayList<>();
        try {
            Enumeration<URL> urls = loader.getResources(resource);
            while (urls.hasMoreElements()) {
                String where = CodeSources.root(urls.nextElement(), resource);
                if (!where.equals(own) && !copies.contains(where)) {
                    copies.add(where);
                }
            }
        } catch (IOException e) {
            return copies;
        }
        return copies;
    }

    /**
     * @param loader the loader discovery uses
     * @param apiType the API class concerned
     * @return a sentence explaining bundled copies, or an empty string when there are none
     */
    public static String explain(ClassLoader loader, Class<?> apiType) {
        List<String> copies = copiesOf(loader, apiType);
        if (copies.isEmpty()) {
            return "";
        }
        return " " + String.join(", ", copies) + (copies.size() == 1 ? " contains its" : " contain their")
                + " own copy of the Plinth API (" + apiType.getName() + ") while the runtime uses the one from "
                + CodeSources.location(apiType) + ": a plugin or provider jar must not bundle runtime-api; "
                + "depend on dev.plinth:plinth-runtime-api without shading it.";
    }
}
