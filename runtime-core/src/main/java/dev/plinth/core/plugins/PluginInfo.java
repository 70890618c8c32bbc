package dev.plinth.core.plugins;

import dev.plinth.api.plugin.PluginState;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What the runtime knows about one installed plugin, for diagnostics ({@code bin/plinth --list-plugins})
 * and operators. Immutable.
 *
 * @param id the plugin id
 * @param version its version
 * @param source its archive path, its class-path location, or {@code "registered"}
 * @param fromArchive {@code true} when it came from an archive and can be stopped, started, reloaded and
 *     uninstalled at run time
 * @param state its current state; {@link PluginState#STOPPED} also when it was never started
 * @param dependencies its dependencies as declared ({@code id@range}, optional ones marked {@code ?})
 * @param reason why it is not started, or {@code null} when it is
 */
public record PluginInfo(
        String id,
        String version,
        String source,
        boolean fromArchive,
        PluginState state,
        List<String> dependencies,
        @Nullable String reason) {
    /** Copies the dependency list. */
    public PluginInfo {
        dependencies = List.copyOf(dependencies);
    }

    /** @return why it is not started, empty when it is */
    public Optional<String> whyNotStarted() {
        return Optional.ofNullable(reason);
    }
}
