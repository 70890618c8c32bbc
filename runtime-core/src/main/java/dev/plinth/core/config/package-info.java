/**
 * The runtime's one configuration model.
 *
 * <p>Sources, later wins: a properties file ({@code --config <path>} or the environment variable
 * {@code PLINTH_CONFIG}), then environment variables, then system properties, then values set
 * programmatically on {@link dev.plinth.core.config.PlinthConfig.Builder#set(String, String)}. Every key
 * name is a constant in {@link dev.plinth.core.config.ConfigKeys}; the environment mapping is described by
 * {@link dev.plinth.core.config.EnvironmentNames}. {@link dev.plinth.core.config.ConfigValidator} rejects
 * unknown keys with a suggestion and never shows a secret value.
 */
package dev.plinth.core.config;
