package dev.plinth.examples;

import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.cli.PlinthCli;
import dev.plinth.core.Main;
import dev.plinth.core.PlinthRuntime;
import dev.plinth.core.config.PlinthConfig;
import dev.plinth.examples.ops.OperationsEndpoint;
import dev.plinth.metrics.PlinthMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The example host. Without {@code --demo} it is the generic host ({@link Main}): it starts the plugins
 * and storage provider found on the class path and runs until SIGTERM or Ctrl-C. With {@code --demo} it
 * starts the runtime, lets the example plugins do their work, prints what they stored, shuts down and
 * exits 0. With an operator command ({@code scopes}, {@code export}, {@code migrate}, ... : see
 * {@link PlinthCli}) it runs that command on the same configuration and exits with its code. With
 * {@code --endpoints <port>} it runs like the generic host, with metrics on and {@code /health} and
 * {@code /metrics} served on {@code 127.0.0.1:<port>} ({@link OperationsEndpoint}); off by default.
 *
 * <pre>
 * bin/plinth [--config &lt;file&gt;] [--demo | --endpoints &lt;port&gt;]
 * bin/plinth [--config &lt;file&gt;] &lt;command&gt; [&lt;args&gt;]   (bin/plinth help lists the commands)
 * </pre>
 */
public final class ExampleHost {
    private ExampleHost() {}

    /**
     * @param args {@code --demo}, {@code --endpoints <port>}, {@code --config <file>}, or any argument of
     *     {@link Main}
     */
    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * @param args command-line arguments
     * @param out standard output
     * @param err standard error
     * @return the exit code
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (isCommand(args)) {
            return PlinthCli.run(args, out, err, System.in, System.getenv());
        }
        List<String> rest = new ArrayList<>();
        boolean demo = false;
        Integer endpointsPort = null;
        Path configFile = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--demo")) {
                demo = true;
            } else if (args[i].equals("--endpoints")) {
                if (i + 1 >= args.length) {
                    err.println("plinth: --endpoints needs a port (0 picks a free one)");
                    return 2;
                }
                try {
                    endpointsPort = Integer.parseInt(args[++i]);
                } catch (NumberFormatException e) {
                    err.println("plinth: --endpoints needs a port number, got '" + args[i] + "'");
                    return 2;
                }
            } else if (args[i].equals("--config") && i + 1 < args.length) {
                configFile = Path.of(args[++i]);
                rest.add("--config");
                rest.add(configFile.toString());
            } else {
                rest.add(args[i]);
            }
        }
        if (endpointsPort != null && !demo) {
            try {
                return serve(PlinthConfig.standard(configFile), endpointsPort, out);
            } catch (IOException | RuntimeException e) {
                err.println("plinth: startup failed: " + e.getMessage());
                return 1;
            }
        }
        if (!demo) {
            return Main.run(rest.toArray(new String[0]), out, err);
        }
        try {
            return demo(PlinthConfig.standard(configFile), out);
        } catch (RuntimeException e) {
            err.println("plinth: demo failed: " + e.getMessage());
            return 1;
        }
    }

    /** @return whether the first argument after any {@code --config <file>} is an operator command */
    static boolean isCommand(String[] args) {
        int i = 0;
        while (i + 1 < args.length && args[i].equals("--config")) {
            i += 2;
        }
        return i < args.length && PlinthCli.COMMANDS.contains(args[i]);
    }

    /** The generic host with metrics on and the endpoints served, until SIGTERM or Ctrl-C. */
    private static int serve(PlinthConfig config, int port, PrintStream out) throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PlinthMetrics metrics = PlinthMetrics.observer(registry);
        PlinthRuntime runtime =
                PlinthRuntime.builder().config(config).observer(metrics).build();
        runtime.registerShutdownHook();
        runtime.start();
        // The instance bind: plugins dropped into the plugin folder later get their gauges too.
        metrics.bind(runtime);
        try (OperationsEndpoint endpoint = OperationsEndpoint.start(runtime, registry, port)) {
            out.println("Plinth endpoints on http://127.0.0.1:" + endpoint.port() + " (/health, /health/live,"
                    + " /health/ready, /metrics)");
            out.flush();
            runtime.awaitTermination();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static int demo(PlinthConfig config, PrintStream out) {
        try (PlinthRuntime runtime = PlinthRuntime.builder().config(config).build()) {
            runtime.start();
            out.println("Plinth demo on storage provider '"
                    + runtime.storageProviderId().orElse("?") + "'");
            runtime.plugins()
                    .forEach(p -> out.println("  plugin " + p.id() + " " + p.version() + " is " + runtime.state(p.id())
                            + " (" + p.source() + ")"));
            KeyValueStore visits = runtime.storage("visits");
            KeyValueStore notes = runtime.storage("notes");
            // Both plugins use the key "count"; each sees only its own.
            out.println("  visits/count = " + visits.getString("count").orElse("-") + ", notes/count = "
                    + notes.getString("count").orElse("-"));
            out.println("  notes: " + notes.keys("note:*"));
        }
        out.println("Plinth demo finished: run it again to see the counts grow (data survives on durable providers)");
        return 0;
    }
}
