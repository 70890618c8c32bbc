/**
 * The runtime's instrumentation hook: a host that wants figures on what each plugin does with its store
 * passes a {@link dev.plinth.core.observe.StorageObserver} to {@code PlinthRuntime.Builder.observer}
 * (the {@code plinth-runtime-metrics} module makes one on a Micrometer registry). Without one, plugins get
 * their stores undecorated: no timer, no counter, no branch on the path.
 */
package dev.plinth.core.observe;
