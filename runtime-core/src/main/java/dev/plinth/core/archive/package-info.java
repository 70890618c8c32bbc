/**
 * Plugin archives: the descriptor and its version ranges, reading and checking an archive, one class
 * loader per plugin, and the controller that installs, stops, starts, reloads and uninstalls archive
 * plugins while the runtime runs. Internal to the runtime; see docs/plugins.md.
 */
package dev.plinth.core.archive;
