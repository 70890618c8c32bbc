/**
 * Plugin lifecycle: dependency ordering ({@link dev.plinth.core.lifecycle.DependencyGraph}), one state
 * holder per plugin ({@link dev.plinth.core.lifecycle.PluginStateHolder}), bounded init/start with rollback
 * and bounded reverse-order shutdown ({@link dev.plinth.core.lifecycle.LifecycleManager}), and what each
 * plugin receives: its context and the shared service registry.
 */
package dev.plinth.core.lifecycle;
