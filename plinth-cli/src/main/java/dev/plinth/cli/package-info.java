/**
 * The {@code plinth} command ({@link dev.plinth.cli.PlinthCli}): every subcommand reads the runtime's
 * configuration and calls {@link dev.plinth.core.admin.StorageAdmin}. Exit codes are in {@link
 * dev.plinth.cli.ExitCodes}.
 */
@NullMarked
package dev.plinth.cli;

import org.jspecify.annotations.NullMarked;
