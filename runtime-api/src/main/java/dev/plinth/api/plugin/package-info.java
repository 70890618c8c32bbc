/**
 * Writing a plugin: {@link dev.plinth.api.plugin.Plugin}, the {@link dev.plinth.api.plugin.PluginContext}
 * it receives, its lifecycle ({@link dev.plinth.api.plugin.PluginState}) and the
 * {@link dev.plinth.api.plugin.ServiceRegistry} plugins share.
 */
@NullMarked
package dev.plinth.api.plugin;

import org.jspecify.annotations.NullMarked;
