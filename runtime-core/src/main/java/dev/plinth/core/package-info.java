/**
 * The Plinth host: {@link dev.plinth.core.PlinthRuntime} (built with
 * {@link dev.plinth.core.PlinthRuntime#builder()}) and the generic command-line host
 * {@link dev.plinth.core.Main}.
 */
package dev.plinth.core;
