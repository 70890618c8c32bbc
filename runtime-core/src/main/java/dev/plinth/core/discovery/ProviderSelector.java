package dev.plinth.core.discovery;

import dev.plinth.api.ConfigurationException;
import dev.plinth.core.config.ConfigKeys;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the storage provider, never by guessing.
 *
 * <ul>
 *   <li>{@code plinth.storage.provider} set: that id, or a startup error listing every available id
 *       with its jar. Other providers that failed to load are logged as warnings.</li>
 *   <li>Not set, exactly one provider and no broken one: that one, logged at INFO.</li>
 *   <li>Not set, several providers (or one plus a broken one): an error listing them and asking for
 *       {@code plinth.storage.provider=<id>}.</li>
 *   <li>Not set, none: an error asking to add a provider jar.</li>
 * </ul>
 * Two jars offering the same id are an error when that id is chosen.
 */
public final class ProviderSelector {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderSelector.class);

    private ProviderSelector() {}

    /**
     * @param configuredId the value of {@code plinth.storage.provider}, if set
     * @param origin where it came from, for messages
     * @param found the discovery result
     * @return the chosen provider
     * @throws ConfigurationException when the choice is impossible or ambiguous
     */
    public static ProviderCandidate select(
            Optional<String> configuredId, String origin, ProviderDiscovery.Result found) {
        List<ProviderCandidate> all = found.candidates();
        if (configuredId.isPresent()) {
            String id = configuredId.get();
            List<ProviderCandidate> matching =
                    all.stream().filter(c -> c.id().equals(id)).collect(Collectors.toList());
            if (matching.isEmpty()) {
                throw new ConfigurationException(
                        ConfigKeys.STORAGE_PROVIDER,
                        "Storage provider '" + id
                                + "' (" + ConfigKeys.STORAGE_PROVIDER + ", from " + origin
                                + ") is not on the class path. "
                                + available(found));
            }
            if (matching.size() > 1) {
                throw duplicate(id, matching);
            }
            found.problems().forEach(p -> LOG.warn("{} (not needed: storage provider '{}' is configured)", p, id));
            return matching.get(0);
        }
        if (all.isEmpty()) {
            throw new ConfigurationException(
                    ConfigKeys.STORAGE_PROVIDER,
                    "No storage provider found on the class "
                            + "path: add a provider jar (for example plinth-provider-memory or plinth-provider-sqlite)."
                            + problems(found));
        }
        if (all.size() == 1 && found.problems().isEmpty()) {
            ProviderCandidate only = all.get(0);
            LOG.info(
                    "Using storage provider '{}' from {}: it is the only one on the class path "
                            + "(set {} to choose explicitly)",
                    only.id(),
                    only.location(),
                    ConfigKeys.STORAGE_PROVIDER);
            return only;
        }
        throw new ConfigurationException(
                ConfigKeys.STORAGE_PROVIDER,
                (all.size() == 1
                                ? "One storage provider loaded but others failed, so choosing it would be a guess. "
                                : "Several storage providers found and " + ConfigKeys.STORAGE_PROVIDER
                                        + " is not set. ")
                        + available(found) + " Set " + ConfigKeys.STORAGE_PROVIDER + "=<id> to choose one.");
    }

    /**
     * @param found a discovery result
     * @return {@code Available providers: a (/x/a.jar), b (/x/b.jar).} plus any load problems
     */
    public static String available(ProviderDiscovery.Result found) {
        String list = found.candidates().isEmpty()
                ? "none; add a provider jar"
                : found.candidates().stream().map(ProviderCandidate::label).collect(Collectors.joining(", "));
        return "Available providers: " + list + "." + problems(found);
    }

    private static String problems(ProviderDiscovery.Result found) {
        return found.problems().isEmpty() ? "" : " Failed to load: " + String.join(" ", found.problems());
    }

    private static ConfigurationException duplicate(String id, List<ProviderCandidate> matching) {
        return new ConfigurationException(
                ConfigKeys.STORAGE_PROVIDER,
                "Storage provider id '" + id
                        + "' is offered by more than one jar: "
                        + matching.stream().map(ProviderCandidate::location).collect(Collectors.joining(", "))
                        + ". Remove all but one of them.");
    }
}
