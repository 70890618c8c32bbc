package dev.plinth.cli;

import dev.plinth.api.storage.Entry;
import dev.plinth.core.admin.StorageAdmin;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** The commands on single scopes and keys: scopes, keys, get, set, del, ttl. */
final class DataCommands {
    private DataCommands() {}

    @Command(name = "scopes", mixinStandardHelpOptions = true, description = "List every scope with its key count.")
    static final class Scopes implements Callable<Integer> {
        @ParentCommand
        @Nullable
        PlinthCli root;

        @Option(names = "--json", description = "one JSON object per line")
        boolean json;

        @Override
        public Integer call() {
            PlinthCli r = Cli.root(root);
            try (StorageAdmin admin = r.open()) {
                for (Map.Entry<String, Long> e : admin.scopes().entrySet()) {
                    r.out.println(
                            json
                                    ? Json.object(g -> {
                                        g.writeStringField("scope", e.getKey());
                                        g.writeNumberField("keys", e.getValue());
                                    })
                                    : e.getKey() + "\t" + e.getValue());
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "keys", mixinStandardHelpOptions = true, description = "List a scope's keys, in key order.")
    static final class Keys implements Callable<Integer> {
        @ParentCommand
        @Nullable
        PlinthCli root;

        @Parameters(index = "0", paramLabel = "<scope>", description = "the scope (plugin id, or plugin/child)")
        String scope = "";

        @Parameters(index = "1", arity = "0..1", paramLabel = "<pattern>", description = "a glob (default *)")
        String pattern = "*";

        @Option(names = "--limit", paramLabel = "N", description = "the most keys to list (default 1000)")
        int limit = 1000;

        @Override
        public Integer call() {
            PlinthCli r = Cli.root(root);
            try (StorageAdmin admin = r.open()) {
                admin.keys(scope, pattern, limit).forEach(r.out::println);
            }
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "get",
            mixinStandardHelpOptions = true,
            description = {
                "Print a key's value: as text when it is UTF-8, else as base64 (with a note on standard error).",
                "Exits 4 when the key is absent or expired."
            })
    static final class Get implements Callable<Integer> {
        @ParentCommand
        @Nullable
        PlinthCli root;

        @Parameters(index = "0", paramLabel = "<scope>")
        String scope = "";

        @Parameters(index = "1", paramLabel = "<key>")
        String key = "";

        @ArgGroup(exclusive = true)
        @Nullable
        Format format;

        static final class Format {
            @Option(names = "--json", description = "scope, key, value, encoding, version and expiresAt as JSON")
            boolean json;

            @Option(names = "--raw", description = "the value's bytes exactly, without a newline")
            boolean raw;
        }

        @Override
        public Integer call() throws IOException {
            PlinthCli r = Cli.root(root);
            try (StorageAdmin admin = r.open()) {
                Optional<Entry> found = admin.get(scope, key);
                if (found.isEmpty()) {
                    r.err.println("plinth: no key '" + key + "' in scope '" + scope + "'");
                    return ExitCodes.NOT_FOUND;
                }
                Entry e = found.get();
                byte[] value = e.value();
                if (format != null && format.raw) {
                    r.out.write(value);
                    r.out.flush();
                } else if (format != null && format.json) {
                    r.out.println(Json.object(g -> {
                        g.writeStringField("scope", scope);
                        g.writeStringField("key", key);
                        Json.value(g, value);
                        g.writeNumberField("version", e.version());
                        g.writeNumberField(
                                "expiresAt",
                                e.expiresAt().map(Instant::toEpochMilli).orElse(0L));
                    }));
                } else {
                    String text = Json.utf8(value);
                    if (text == null) {
                        r.err.println("plinth: the value is not UTF-8 text (" + value.length
                                + " bytes); printed as base64 (--raw prints the bytes)");
                        text = Base64.getEncoder().encodeToString(value);
                    }
                    r.out.println(text);
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Store a value under a key.")
    static final class Set implements Callable<Integer> {
        @ParentCommand
        @Nullable
        PlinthCli root;

        @Parameters(index = "0", paramLabel = "<scope>")
        String scope = "";

        @Parameters(index = "1", paramLabel = "<key>")
        String key = "";

        @Parameters(
                index = "2",
                paramLabel = "<value>",
                description = "the value as text; - reads the bytes from standard input")
        String value = "";

        @Option(
                names = "--ttl",
                paramLabel = "<duration>",
                converter = Durations.class,
                description = "expire after this long (500ms, 30s, 10m, 2h, 7d); default never")
        @Nullable
        Duration ttl;

        @Option(names = "--base64", description = "the value is base64 (for bytes that are not text)")
        boolean base64;

        @Override
        public Integer call() throws IOException {
            PlinthCli r = Cli.root(root);
            byte[] bytes;
            if (value.equals("-")) {
                bytes = r.rawIn.readAllBytes();
            } else if (base64) {
                try {
                    bytes = Base64.getDecoder().decode(value);
                } catch (IllegalArgumentException e) {
                    r.err.println("plinth: the value is not valid base64: " + e.getMessage());
                    return ExitCodes.USAGE;
                }
            } else {
                bytes = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
            try (StorageAdmin admin = r.open()) {
                long version = admin.set(scope, key, bytes, ttl);
                r.out.println("version " + version);
            }
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "del",
            mixinStandardHelpOptions = true,
            description = {
                "Delete a key, or every key matching --pattern (asks first unless --yes).",
                "Prints how many keys were deleted."
            })
    static final class Del implements Callable<Integer> {
        @ParentCommand
        @Nullable
        PlinthCli root;

        @Parameters(index = "0", paramLabel = "<scope>")
        String scope = "";

        @Parameters(index = "1", arity = "0..1", paramLabel = "<key>")
        @Nullable
        String key;

        @Option(names = "--pattern", paramLabel = "<glob>", description = "delete every key matching it")
        @Nullable
        String pattern;

        @Option(
                names = {"-y", "--yes"},
                description = "do not ask for confirmation")
        boolean yes;

        @Override
        public Integer call() {
            PlinthCli r = Cli.root(root);
            if ((key == null) == (pattern == null)) {
                r.err.println("plinth del: give either a <key> or --pattern <glob>");
                return ExitCodes.USAGE;
            }
            try (StorageAdmin admin = r.open()) {
                if (key != null) {
                    r.out.println(admin.delete(scope, key) ? "1" : "0");
                    return ExitCodes.OK;
                }
                String p = pattern;
                long n = admin.store(scope).count(p);
                if (n == 0) {
                    r.out.println("0");
                    return ExitCodes.OK;
                }
                if (!Confirm.ask(
                        yes, "Delete " + n + " keys matching '" + p + "' in scope '" + scope + "'?", r.in, r.err)) {
                    return ExitCodes.NOT_CONFIRMED;
                }
                r.out.println(admin.deleteMatching(scope, p));
            }
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "ttl",
            mixinStandardHelpOptions = true,
            description = {
                "Print the time a key has left (milliseconds, then readable), or 'none' when it never expires.",
                "Exits 4 when the key is absent or expired."
            })
    static final class Ttl implements Callable<Integer> {
        @ParentCommand
        @Nullable
        PlinthCli root;

        @Parameters(index = "0", paramLabel = "<scope>")
        String scope = "";

        @Parameters(index = "1", paramLabel = "<key>")
        String key = "";

        @Override
        public Integer call() {
            PlinthCli r = Cli.root(root);
            try (StorageAdmin admin = r.open()) {
                Optional<Entry> e = admin.get(scope, key);
                if (e.isEmpty()) {
                    r.err.println("plinth: no key '" + key + "' in scope '" + scope + "'");
                    return ExitCodes.NOT_FOUND;
                }
                Optional<Instant> at = e.get().expiresAt();
                if (at.isEmpty()) {
                    r.out.println("none");
                } else {
                    Duration left = Duration.between(Instant.now(), at.get());
                    if (left.isNegative()) {
                        left = Duration.ZERO;
                    }
                    r.out.println(left.toMillis() + "\t" + Durations.format(left));
                }
            }
            return ExitCodes.OK;
        }
    }
}
