package dev.plinth.core.discovery;

import dev.plinth.core.storage.SpiVersion;
import dev.plinth.spi.storage.StorageProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Spliterator;

/**
 * Lists the storage providers visible to one class loader with
 * {@code ServiceLoader.load(StorageProvider.class, loader).stream()}. Each provider class is instantiated
 * to read its id, description and options (cheap by contract); none is opened. A provider that cannot be
 * loaded or described, or that was built for another SPI version ({@link SpiVersion}), is recorded as a
 * problem with its location and the reason (including a bundled copy of the API), and discovery continues
 * with the next.
 */
public final class ProviderDiscovery {
    /** Guards against a loader that keeps failing on the same entry. */
    private static final int MAX_PROBLEMS = 100;

    private ProviderDiscovery() {}

    /**
     * @param candidates providers that loaded, sorted by id then location
     * @param problems one sentence per provider that failed to load
     */
    public record Result(List<ProviderCandidate> candidates, List<String> problems) {
        /**
         * Copies the lists.
         *
         * @param candidates providers that loaded
         * @param problems one sentence per provider that failed to load
         */
        public Result {
            candidates = List.copyOf(candidates);
            problems = List.copyOf(problems);
        }
    }

    /**
     * @param loader the class loader to search; never the thread context loader implicitly
     * @return what was found
     */
    public static Result discover(ClassLoader loader) {
        Objects.requireNonNull(loader, "loader");
        List<ProviderCandidate> found = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<ServiceLoader.Provider<StorageProvider>> entries = new ArrayList<>();
        Spliterator<ServiceLoader.Provider<StorageProvider>> it =
                ServiceLoader.load(StorageProvider.class, loader).stream().spliterator();
        while (problems.size() < MAX_PROBLEMS) {
            try {
                if (!it.tryAdvance(entries::add)) {
                    break;
                }
            } catch (ServiceConfigurationError e) {
                problems.add("A storage provider could not be loaded: " + e.getMessage() + "."
                        + BundledApiDetector.explain(loader, StorageProvider.class));
            }
        }
        for (ServiceLoader.Provider<StorageProvider> entry : entries) {
            String location = CodeSources.location(entry.type());
            try {
                StorageProvider provider = entry.get();
                String versionProblem = SpiVersion.problem(provider);
                if (versionProblem != null) {
                    problems.add(versionProblem);
                    continue;
                }
                found.add(ProviderCandidate.describe(provider));
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                problems.add("Storage provider " + entry.type().getName() + " (" + location
                        + ") could not be instantiated or described: " + withCause(e) + "."
                        + BundledApiDetector.explain(loader, StorageProvider.class));
            }
        }
        found.sort(Comparator.comparing(ProviderCandidate::id).thenComparing(ProviderCandidate::location));
        return new Result(found, problems);
    }

    private static String withCause(Throwable e) {
        Throwable cause = e.getCause();
        return cause == null || cause == e ? e.toString() : e + " (caused by " + cause + ")";
    }
}
