package dev.plinth.cli;

import dev.plinth.api.ConfigurationException;
import dev.plinth.api.PlinthException;
import dev.plinth.core.admin.StorageAdmin;
import dev.plinth.core.config.ConfigKeys;
import dev.plinth.core.config.PlinthConfig;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code plinth}: operator commands on the storage a Plinth runtime with the same configuration would use.
 * Each subcommand opens the configured provider through {@link StorageAdmin}, does one thing and closes it.
 *
 * <pre>
 * plinth [--config &lt;file&gt;] [-Dkey=value]... &lt;command&gt; [&lt;args&gt;]
 * </pre>
 * Configuration is read exactly as the runtime reads it: the file ({@code --config}, else the file named by
 * {@code PLINTH_CONFIG}), then environment variables, then system properties, then {@code -D} on this command
 * line. Exit codes: {@link ExitCodes}.
 */
@Command(
        name = "plinth",
        mixinStandardHelpOptions = true,
        versionProvider = PlinthCli.Version.class,
        description = "Look into, back up, restore, move and check the data Plinth plugins stored.",
        subcommands = {
            DataCommands.Scopes.class,
            DataCommands.Keys.class,
            DataCommands.Get.class,
            DataCommands.Set.class,
            DataCommands.Del.class,
            DataCommands.Ttl.class,
            WatchCommand.class,
            ExportCommand.class,
            ImportCommand.class,
            MigrateCommand.class,
            CheckCommand.class,
            AutoComplete.GenerateCompletion.class,
            CommandLine.HelpCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "1:failed (storage error, bad export line, import conflict, migration not verified)",
            "2:bad arguments or configuration",
            "3:check found damage",
            "4:key not found (get, ttl)",
            "5:not confirmed (no --yes)"
        })
public final class PlinthCli {
    /** The subcommand names, so a host launcher can tell a {@code plinth} command from its own arguments. */
    public static final Set<String> COMMANDS = Set.of(
            "scopes",
            "keys",
            "get",
            "set",
            "del",
            "ttl",
            "watch",
            "export",
            "import",
            "migrate",
            "check",
            "generate-completion",
            "help");

    @Option(
            names = "--config",
            paramLabel = "<file>",
            description = "the configuration file (default: the file named by PLINTH_CONFIG)")
    @Nullable
    Path configFile;

    @Option(
            names = "-D",
            paramLabel = "<key>=<value>",
            description = "a configuration value that overrides file, environment and system properties")
    Map<String, String> overrides = new LinkedHashMap<>();

    final PrintStream out;
    final PrintStream err;
    final BufferedReader in;
    final InputStream rawIn;
    private final Map<String, String> env;
    private final ClassLoader loader;

    PlinthCli(PrintStream out, PrintStream err, InputStream in, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.rawIn = in;
        this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        this.env = env;
        this.loader = PlinthCli.class.getClassLoader();
    }

    /**
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System.in, System.getenv()));
    }

    /**
     * Runs one command.
     *
     * @param args the command line
     * @param out standard output
     * @param err standard error
     * @param in standard input (answers to confirmations, {@code import -}, {@code set ... -})
     * @param env the environment the configuration is read from
     * @return the exit code ({@link ExitCodes})
     */
    public static int run(String[] args, PrintStream out, PrintStream err, InputStream in, Map<String, String> env) {
        PlinthCli root = new PlinthCli(out, err, in, env);
        CommandLine cmd = new CommandLine(root);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        cmd.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        cmd.setExecutionExceptionHandler((e, line, parsed) -> {
            err.println("plinth: " + oneLine(e));
            return exitCode(e);
        });
        return cmd.execute(args);
    }

    static int exitCode(Throwable e) {
        if (e instanceof ConfigurationException || e instanceof CommandLine.ParameterException) {
            return ExitCodes.USAGE;
        }
        return ExitCodes.FAILED;
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage();
        if (m == null || !(e instanceof PlinthException || e instanceof IllegalArgumentException)) {
            m = e.toString();
        }
        return m.replaceAll("\\s*\\R\\s*", " ");
    }

    /** Opens the storage the configuration names. */
    StorageAdmin open() {
        return StorageAdmin.open(config(), loader);
    }

    PlinthConfig config() {
        PlinthConfig.Builder b = PlinthConfig.builder().environment(env).systemProperties(System.getProperties());
        Path file = configFile;
        if (file == null) {
            String fromEnv = env.get(ConfigKeys.CONFIG_FILE_ENV);
            if (fromEnv != null && !fromEnv.isBlank()) {
                file = Path.of(fromEnv.trim());
            }
        }
        if (file != null) {
            b.file(file);
        }
        overrides.forEach(b::set);
        return b.build();
    }

    ClassLoader loader() {
        return loader;
    }

    /** The version line of {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = PlinthCli.class.getPackage().getImplementationVersion();
            return new String[] {"plinth " + (v == null ? "(development build)" : v)};
        }
    }
}
