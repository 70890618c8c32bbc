/**
 * The store decorator the runtime puts in front of each plugin's store when the host gave an observer: it
 * times every call and reports it, with the value sizes it sees, to the plugin's
 * {@link dev.plinth.core.observe.PluginObserver}. Not exported. Without an observer it is not there at all.
 */
package dev.plinth.core.observed;
