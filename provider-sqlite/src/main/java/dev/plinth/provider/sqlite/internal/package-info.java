/**
 * The SQLite provider's implementation; not exported by the module. {@link
 * dev.plinth.provider.sqlite.internal.BackendOpener} is the one way in, used by the provider class.
 */
package dev.plinth.provider.sqlite.internal;
