/**
 * What a host sees of plugin archives: the refusal it may catch ({@link
 * dev.plinth.core.plugins.PluginArchiveException}) and the state of each plugin ({@link
 * dev.plinth.core.plugins.PluginInfo}). Run-time control itself is on {@code PlinthRuntime}.
 */
package dev.plinth.core.plugins;
