package dev.plinth.core;

import dev.plinth.api.ConfigurationException;
import dev.plinth.core.archive.PluginListing;
import dev.plinth.core.config.ConfigKeys;
import dev.plinth.core.config.EffectiveConfig;
import dev.plinth.core.config.PlinthConfig;
import dev.plinth.core.discovery.ProviderCandidate;
import dev.plinth.core.discovery.ProviderDiscovery;
import dev.plinth.core.discovery.ProviderSelector;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The generic Plinth host: starts whatever plugins and storage providers are on the class path (or module
 * path) and runs until the JVM is asked to stop (SIGTERM, Ctrl-C), then closes the runtime from a shutdown
 * hook.
 *
 * <pre>
 * java -cp ... dev.plinth.core.Main [--config &lt;file&gt;] [--list-providers] [--list-plugins] [--help]
 * </pre>
 * <ul>
 *   <li>{@code --config <file>}: the properties file (else {@code PLINTH_CONFIG}); environment variables
 *       and system properties apply on top.</li>
 *   <li>{@code --list-providers}: prints one line per discovered storage provider
 *       ({@code provider <id> <location> <description>}), one {@code problem <text>} line per provider that
 *       failed to load, then {@code selected <id>} or {@code error <message>}; exits 0 when a provider
 *       can be selected, else 1. Starts nothing.</li>
 *   <li>{@code --list-plugins}: prints one line per plugin on the class path and per archive in the
 *       plugins folder ({@code plugin <id> <version> <source> ready|disabled|refused deps=[...]
 *       reason=...}), each refusal naming the archive and the rule; exits 0 when none is refused, else 1.
 *       Starts nothing.</li>
 * </ul>
 * Exit codes: 0 after a normal stop, 1 with a one-line {@code plinth: startup failed: ...} on standard
 * error when startup fails, 2 for bad arguments.
 */
public final class Main {
    private Main() {}

    /**
     * @param args see the class description
     */
    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * Runs the host; returns when the runtime stopped or failed to start.
     *
     * @param args command-line arguments
     * @param out standard output
     * @param err standard error
     * @return the exit code
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path configFile = null;
        boolean listProviders = false;
        boolean listPlugins = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case ConfigKeys.CONFIG_FILE_ARG:
                    if (i + 1 >= args.length) {
                        err.println("plinth: " + ConfigKeys.CONFIG_FILE_ARG + " needs a file name");
                        return 2;
                    }
                    configFile = Path.of(args[++i]);
                    break;
                case "--list-providers":
                    listProviders = true;
                    break;
                case "--list-plugins":
                    listPlugins = true;
                    break;
                case "--help":
                case "-h":
                    out.println(usage());
                    return 0;
                default:
                    err.println("plinth: unknown argument '" + args[i] + "'\n" + usage());
                    return 2;
            }
        }
        try {
            PlinthConfig config = PlinthConfig.standard(configFile);
            if (listProviders) {
                return listProviders(config, out);
            }
            if (listPlugins) {
                return listPlugins(config, out);
            }
            PlinthRuntime runtime = PlinthRuntime.builder().config(config).build();
            // before start(): a SIGTERM during startup then aborts it and shuts down what had started
            runtime.registerShutdownHook();
            runtime.start();
            runtime.awaitTermination();
            return 0;
        } catch (RuntimeException e) {
            err.println("plinth: startup failed: " + oneLine(e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static int listProviders(PlinthConfig config, PrintStream out) {
        ProviderDiscovery.Result found = ProviderDiscovery.discover(Main.class.getClassLoader());
        for (ProviderCandidate c : found.candidates()) {
            out.println("provider " + c.id() + " " + c.location() + " " + c.description());
        }
        found.problems().forEach(p -> out.println("problem " + oneLine(p)));
        Set<String> known = new LinkedHashSet<>(ConfigKeys.FIXED_KEYS);
        EffectiveConfig eff = config.resolve(known, List.of());
        try {
            ProviderCandidate chosen = ProviderSelector.select(
                    eff.get(ConfigKeys.STORAGE_PROVIDER), eff.origin(ConfigKeys.STORAGE_PROVIDER), found);
            out.println("selected " + chosen.id());
            return 0;
        } catch (ConfigurationException e) {
            out.println("error " + oneLine(e.getMessage()));
            return 1;
        }
    }

    private static int listPlugins(PlinthConfig config, PrintStream out) {
        List<PluginListing.Line> lines = PluginListing.list(config, Main.class.getClassLoader());
        lines.forEach(l -> out.println(oneLine(l.toString())));
        return lines.stream().anyMatch(l -> l.state().equals("refused")) ? 1 : 0;
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s*\\R\\s*", " ");
    }

    private static String usage() {
        return "usage: java dev.plinth.core.Main [--config <file>] [--list-providers] [--list-plugins] [--help]";
    }
}
