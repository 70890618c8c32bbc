package dev.plinth.core.testing;

import dev.plinth.api.plugin.Plugin;
import dev.plinth.api.plugin.PluginContext;

/** Plugins with no-argument constructors, for ServiceLoader discovery tests. */
public final class TestPlugins {
    private TestPlugins() {}

    public static class Discovered implements Plugin {
        @Override
        public String id() {
            return "discovered";
        }

        @Override
        public void init(PluginContext context) {}
    }

    public static class Standalone implements Plugin {
        @Override
        public String id() {
            return "standalone";
        }

        @Override
        public void init(PluginContext context) {}
    }
}
