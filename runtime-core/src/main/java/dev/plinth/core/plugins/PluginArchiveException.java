package dev.plinth.core.plugins;

import dev.plinth.api.plugin.PluginLifecycleException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * A plugin archive was refused: it cannot be read, its descriptor is missing or wrong, it bundles its own
 * copy of the Plinth API or SLF4J, its id is taken, a dependency or version range is not met, or it would
 * close a dependency cycle. The message names the archive and the rule it broke. Thrown before anything
 * changed: at startup before storage is opened, at run time ({@code install}, {@code reload}) with every
 * running plugin left as it was.
 */
public class PluginArchiveException extends PluginLifecycleException {
    private static final long serialVersionUID = 1L;
    /** The archive, kept for callers that handle this exception. */
    private final transient Path archive;

    /**
     * @param pluginId the plugin id, when the descriptor could be read that far
     * @param archive the archive refused
     * @param message what is wrong, naming the archive and the rule
     * @param cause the underlying failure, may be {@code null}
     */
    public PluginArchiveException(@Nullable String pluginId, Path archive, String message, @Nullable Throwable cause) {
        super(pluginId, Phase.RESOLVE, message, cause);
        this.archive = archive;
    }

    /** @return the archive that was refused */
    public Path archive() {
        return archive;
    }
}
