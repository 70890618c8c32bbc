package dev.plinth.core.it;

import dev.plinth.api.plugin.Plugin;
import dev.plinth.api.plugin.PluginContext;
import dev.plinth.core.PlinthRuntime;
import dev.plinth.core.config.PlinthConfig;
import dev.plinth.core.testing.FakeProvider;

/**
 * A host whose three plugins each take a minute in {@code init} and in {@code start}, with the shutdown
 * hook registered: what {@link ShutdownSignalDuringStartupTest} sends SIGTERM to. Prints each lifecycle call
 * on stdout so the parent knows when a plugin is inside {@code init}.
 */
public final class SlowStartHost {
    private SlowStartHost() {}

    public static void main(String[] args) throws Exception {
        PlinthConfig config = PlinthConfig.builder()
                .set("plinth.runtime.startTimeout", "90s")
                .set("plinth.runtime.shutdownTimeout", "10s")
                .build();
        PlinthRuntime.Builder b = PlinthRuntime.builder()
                .config(config)
                .storageProvider(new FakeProvider())
                .discoverPlugins(false);
        for (String id : new String[] {"a", "b", "c"}) {
            b.plugin(new Slow(id));
        }
        PlinthRuntime runtime = b.build().registerShutdownHook();
        try {
            runtime.start();
            System.out.println("started");
        } catch (RuntimeException e) {
            System.out.println("start threw: " + e.getMessage());
        }
        System.out.flush();
    }

    private static final class Slow implements Plugin {
        private final String id;

        Slow(String id) {
            this.id = id;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public void init(PluginContext context) {
            slowly("init");
        }

        @Override
        public void start() {
            slowly("start");
        }

        @Override
        public void shutdown() {
            System.out.println("shutdown " + id);
            System.out.flush();
        }

        private void slowly(String phase) {
            System.out.println(phase + " " + id);
            System.out.flush();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                System.out.println("interrupted " + id);
                System.out.flush();
                Thread.currentThread().interrupt();
            }
        }
    }
}
