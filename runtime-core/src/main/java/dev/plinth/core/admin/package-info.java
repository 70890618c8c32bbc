/**
 * Operator tools as a Java API: look into what plugins stored, back it up and restore it, move it to
 * another provider, and check a provider's data for damage. {@link dev.plinth.core.admin.StorageAdmin} is
 * the entry point; the {@code plinth} command-line tool (module {@code plinth-cli}) is a thin layer on it,
 * so a host can do the same on a schedule. The export format is documented in {@code docs/cli.md} and in
 * {@link dev.plinth.core.admin.ExportFormat}.
 */
@NullMarked
package dev.plinth.core.admin;

import org.jspecify.annotations.NullMarked;
